// Dev loop: the answerability questions in IDS (comma-separated ids) asked with each system-prompt
// variant, tallying answered / refusal reasons. Needs an ingested corpus in CAIRN_DATA_DIR (the
// answerability bench's cache) and the test models. Run: IDS=a,b V=1 node --import tsx test/bench/_promptVariants.ts
export {};
const { realAskDeps } = await import("@/lib/askDeps");
const { ask } = await import("@/lib/ask");
const { DEFAULT_SYSTEM_PROMPT, DECLINE_PHRASE } = await import("@/lib/prompt");
const { resolveCollections } = await import("@/lib/searchScope");
const { currentPrincipal } = await import("@/lib/auth");
const fs = await import("node:fs");
const all = JSON.parse(fs.readFileSync("test/fixtures/answerability/questions.json", "utf8")) as { id: string; kind: string; question: string }[];
const ids = new Set(process.env.IDS!.split(","));
const qs = all.filter((q) => ids.has(q.id));
const variants: Record<string, string> = {
  current: DEFAULT_SYSTEM_PROMPT,
  old: DEFAULT_SYSTEM_PROMPT.replace(`- If the passages do not contain the answer, reply exactly: ${DECLINE_PHRASE}`, "- If the passages do not contain the answer, say plainly that the documents do not say."),
  none: DEFAULT_SYSTEM_PROMPT.replace(`- If the passages do not contain the answer, reply exactly: ${DECLINE_PHRASE}\n`, ""),
  quoted: DEFAULT_SYSTEM_PROMPT.replace(`- If the passages do not contain the answer, reply exactly: ${DECLINE_PHRASE}`, `- If the passages do not contain the answer, say plainly that the documents do not say ("${DECLINE_PHRASE}").`),
};
const deps = await realAskDeps();
const collections = resolveCollections(currentPrincipal());
for (const [name, systemPrompt] of Object.entries(variants)) {
  if (process.env.ONLY && process.env.ONLY !== name) continue;
  const tally: Record<string, number> = {};
  for (const q of qs) {
    const r = await ask({ question: q.question, collections, deps, options: { systemPrompt } });
    const k = `${q.kind}:${r.answered ? "answered" : r.refusal?.reason}`;
    tally[k] = (tally[k] ?? 0) + 1;
    if (process.env.V) console.log(name, q.id, k, r.answered ? r.answer.slice(0, 120) : r.refusal?.modelAnswer?.slice(0, 120));
  }
  console.log(name, JSON.stringify(tally));
}
process.exit(0);
