import { describe, expect, it } from "vitest";
import type { DocumentContextRow } from "@/core/db/queries";
import { findNamedDocuments, preferringNamed, withoutNames } from "@/lib/namedDocuments";
import { searchPassagesScoped } from "@/lib/searchPassages";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";
import { hit } from "./fixtures";

// Questions that name a document by its parties, title or file name search that document;
// two named documents both get passages; the caller can widen to everything.

const doc = (id: string, name: string, title = "", parties: string[] = []): DocumentContextRow => ({ id, collectionId: "col-a", name, title, parties });
const catalog: DocumentContextRow[] = [
  doc("pivx", "ADIANUTRITION,INC_04_01_2005-EX-10.D2-RESELLER AGREEMENT.pdf", "", ["PivX Corporation", "Detto Technologies"]),
  doc("vayyar", "HealthcareIntegratedTechnologiesInc_20190812_8-K_EX-10.1_Reseller Agreement.pdf", "", ["Vayyar Imaging Ltd.", "Inde Living Holdings, Inc."]),
  doc("kub", "KUBIENT,INC_07_02_2020-EX-10.14-MASTER SERVICES AGREEMENT_Part1.pdf", "", ["Kubient Inc.", "The Associated Press"]),
  doc("fnw", "MERCATAINC_03_09_2000-EX-10.21-SPONSORSHIP AGREEMENT.docx", "", ["FOOTBALL NORTHWEST LLC", "MERCATA, Inc."]),
  doc("hypo", "Hypospadias Repair.pdf"),
  doc("pace", "Pacemaker (Dual Chamber) - 1.pdf", "Pacemaker Implantation Report"),
];
const ids = (q: string) => findNamedDocuments(q, catalog).map((d) => d.documentId);

describe("findNamedDocuments", () => {
  it("recognises a document by a party, a party's two-word name, its title or its file name", () => {
    expect(ids("Which law governs the reseller agreement between PivX and Detto Technologies?")).toEqual(["pivx"]);
    expect(ids("What is the initial term of the agreement with the Associated Press?")).toEqual(["kub"]);
    expect(ids("What fee does Football Northwest receive?")).toEqual(["fnw"]);
    expect(ids("What was the estimated blood loss in the hypospadias repair?")).toEqual(["hypo"]);
    expect(ids("How long was fluoroscopy for the pacemaker implantation?")).toEqual(["pace"]);
    expect(findNamedDocuments("Is Inde Living an exclusive reseller of Vayyar's products?", catalog)[0]?.matched).toEqual(expect.arrayContaining(["Inde", "Vayyar's"]));
  });

  it("names nothing for everyday words or a word every document of a kind has", () => {
    expect(ids("Which law governs the agreement?")).toEqual([]);
    expect(ids("How do I repair the press?")).toEqual([]);
    // "reseller" is in two file names and names neither once a party is given.
    expect(ids("When does the Vayyar reseller agreement renew?")).toEqual(["vayyar"]);
  });

  it("finds every document a question names", () => {
    expect(ids("Compare the governing law of the PivX agreement and the Kubient agreement").sort()).toEqual(["kub", "pivx"]);
  });
});

describe("searchPassagesScoped", () => {
  const passages: Record<string, SearchHit[]> = {
    pivx: [hit("PivX: governed by the laws of the State of California.", { documentId: "pivx" }), hit("PivX fees.", { documentId: "pivx" })],
    kub: [hit("Kubient: governed by the laws of the State of Delaware.", { documentId: "kub" })],
    vayyar: [hit("Vayyar: governed by the laws of the State of New York.", { documentId: "vayyar" })],
  };
  const seen: SearchQuery[] = [];
  const search = async (q: SearchQuery) => {
    seen.push(q);
    const all = Object.values(passages).flat().sort((a, b) => b.score - a.score);
    return (q.documents ? all.filter((h) => q.documents!.includes(h.documentId)) : all).slice(0, q.limit);
  };
  const deps = { search, catalog: () => catalog };

  it("narrows to the named document inside the search, and says so", async () => {
    seen.length = 0;
    const r = await searchPassagesScoped({ query: "Which law governs the Kubient agreement?", collections: ["col-a"], limit: 5, deps });
    expect(r.narrowedTo.map((d) => d.documentId)).toEqual(["kub"]);
    expect(r.results.map((x) => x.hit.documentId)).toEqual(["kub"]);
    expect(seen.every((q) => q.documents?.join() === "kub" && q.collections.join() === "col-a")).toBe(true);
  });

  it("searches everything when widened, still reporting what the question names", async () => {
    const r = await searchPassagesScoped({ query: "Which law governs the Kubient agreement?", collections: ["col-a"], limit: 5, deps, widen: true });
    expect(r.narrowedTo).toEqual([]);
    expect(r.named.map((d) => d.documentId)).toEqual(["kub"]);
    expect(new Set(r.results.map((x) => x.hit.documentId))).toEqual(new Set(["pivx", "kub", "vayyar"]));
  });

  it("keeps a second named document from being crowded out by the first", async () => {
    const r = await searchPassagesScoped({ query: "governing law of the PivX agreement and the Kubient agreement", collections: ["col-a"], limit: 2, deps });
    expect(r.results.map((x) => x.hit.documentId).sort()).toEqual(["kub", "pivx"]);
  });

  it("never narrows when nothing is readable", async () => {
    const r = await searchPassagesScoped({ query: "Kubient", collections: [], deps });
    expect(r).toEqual({ results: [], narrowedTo: [], named: [] });
  });
});

describe("preferringNamed (answers)", () => {
  const hits = [
    hit("Vayyar: New York law.", { documentId: "vayyar", score: 0.9 }),
    hit("PivX: California law.", { documentId: "pivx", score: 0.5 }),
    hit("Kubient: Delaware law.", { documentId: "kub", score: 0.4 }),
    hit("Kubient: fees.", { documentId: "kub", score: 0.3 }),
  ];
  const search = async (q: SearchQuery) => (q.documents ? hits.filter((h) => q.documents!.includes(h.documentId)) : hits).slice(0, q.limit);

  it("puts the named document's passages first and keeps the best of the others after them", async () => {
    const r = await preferringNamed(search, () => catalog)({ query: "Which law governs the Kubient agreement?", collections: ["col-a"], limit: 3 });
    expect(r.map((h) => h.documentId)).toEqual(["kub", "kub", "vayyar"]);
  });

  it("is the plain search when nothing is named", async () => {
    const r = await preferringNamed(search, () => catalog)({ query: "Which law governs the agreement?", collections: ["col-a"], limit: 3 });
    expect(r.map((h) => h.documentId)).toEqual(["vayyar", "pivx", "kub"]);
  });

  it("says which documents it preferred, searches them for the topic without the names (clause words added, keyword-first), and widened prefers none", async () => {
    const seen: SearchQuery[] = [];
    const spy = async (q: SearchQuery) => (seen.push(q), search(q));
    const told: string[][] = [];
    const embedded: string[] = [];
    const embedder = { embed: async (texts: string[]) => (embedded.push(...texts), texts.map(() => new Float32Array([1, 0]))) };
    const q = { query: "Which law governs the Kubient agreement?", vector: new Float32Array([0, 1]), collections: ["col-a"], limit: 3 };
    await preferringNamed(spy, () => catalog, { embedder, onNamed: (d) => told.push(d.map((x) => x.documentId)) })(q);
    expect(told).toEqual([["kub"]]);
    expect(embedded).toEqual(["Which law governs the agreement?"]);
    const narrowed = seen.find((s) => s.documents)!;
    expect(narrowed.query).toMatch(/^Which law governs the agreement\? governed construed/);
    expect(narrowed.fusion).toEqual({ keywordWeight: 2, k: 10 });
    expect(Array.from(narrowed.vector!)).toEqual([1, 0]);

    seen.length = 0;
    const wide = await preferringNamed(spy, () => catalog, { embedder, widen: true, onNamed: (d) => told.push(d.map((x) => x.documentId)) })(q);
    expect(told.at(-1)).toEqual(["kub"]);
    expect(seen.every((s) => !s.documents)).toBe(true);
    expect(wide.map((h) => h.documentId)).toEqual(["vayyar", "pivx", "kub"]);
  });
});

describe("withoutNames", () => {
  it("drops the words that named the document, possessives too, and keeps the topic", () => {
    expect(withoutNames("Is Inde Living an exclusive reseller of Vayyar's products?", ["Inde", "Living", "Vayyar's"])).toBe("Is an exclusive reseller of products?");
    expect(withoutNames("Which law governs the Kubient agreement?", ["Kubient"])).toBe("Which law governs the agreement?");
    // Nothing but the name: the query stays as it is.
    expect(withoutNames("Kubient", ["Kubient"])).toBe("Kubient");
  });
});
