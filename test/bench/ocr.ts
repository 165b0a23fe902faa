// OCR: seconds per scanned page and character error rate (CER) against the known text, on
// generated letter-size scans — clean 300 dpi (the target: ≤ 5 s/page, CER ≤ 2 %),
// speckled 150 dpi, a page fed in sideways, and sheets fed in askew (deskew). Run: npm run bench -- ocr
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseBytes } from "../../ingest/parse/parseDocument";
import { characterErrorRate, makeScannedPdf, type ScanSpec } from "../utils/scannedPdf";

const root = path.resolve(import.meta.dirname, "../..");

const report = [
  "DISCHARGE SUMMARY",
  "Patient admitted with atrial fibrillation and a rapid ventricular response.",
  "Rate control was achieved with metoprolol 25 mg twice daily.",
  "Anticoagulation: continue Coumadin 7 mg daily; recheck the INR on Monday.",
  "Target INR 2.0 to 3.0. Hold if the INR is above 3.5 and call the clinic.",
  "Allergies: penicillin (rash). No known food allergies.",
  "Follow-up with cardiology in three weeks, bring the medication list.",
  "Return to the emergency department for chest pain or shortness of breath.",
];
const contract = [
  "7. NOTICES AND COMPLAINTS",
  "7.1 The supplier shall acknowledge a written complaint within two (2) working days.",
  "7.2 A replacement part shall be delivered within ten (10) business days of the order.",
  "7.3 Either party may terminate this agreement on ninety (90) days written notice.",
  "7.4 Notices are given by registered letter to the addresses in Schedule 1.",
  "7.5 Late payment bears interest at 1.5% per month on the outstanding amount.",
];

const cases: { name: string; spec: ScanSpec }[] = [
  { name: "report 300 dpi", spec: { lines: report, heightIn: 11 } },
  { name: "contract 300 dpi", spec: { lines: contract, heightIn: 11 } },
  { name: "report 150 dpi speckled", spec: { lines: report, heightIn: 11, dpi: 150, noise: 0.01 } },
  { name: "contract sideways 300 dpi", spec: { lines: contract, heightIn: 11, rotated: true } },
  { name: "report askew 4° 300 dpi", spec: { lines: report, heightIn: 11, skewDeg: 4 } },
  { name: "contract askew -3° 300 dpi", spec: { lines: contract, heightIn: 11, skewDeg: -3 } },
];

const rows: { name: string; seconds: number; cer: number; confidence: number; rotation: number; skewDeg: number }[] = [];
const loadBefore = os.loadavg()[0];
const ocr = { langs: ["eng"], minConfidence: 60 };
// The engine starts once per document; a one-page warm-up measures that start apart.
const warm = performance.now();
await parseBytes(await makeScannedPdf([{ scan: { lines: ["warm up"] } }]), "warm.pdf", { maxUnzippedBytes: 1e8, ocr });
const startSeconds = (performance.now() - warm) / 1000;
for (const c of cases) {
  const pdf = await makeScannedPdf([{ scan: c.spec }]);
  const t0 = performance.now();
  const doc = await parseBytes(pdf, `${c.name}.pdf`, { maxUnzippedBytes: 1e8, ocr });
  const seconds = (performance.now() - t0) / 1000;
  const page = doc.pages[0];
  rows.push({
    name: c.name,
    seconds: Math.round(seconds * 100) / 100,
    cer: Math.round(characterErrorRate(c.spec.lines.join("\n"), page.text) * 10000) / 10000,
    confidence: page.ocr?.confidence ?? 0,
    rotation: page.ocr?.rotation ?? 0,
    skewDeg: page.ocr?.skewDeg ?? 0,
  });
  console.log(rows.at(-1));
}
const clean = rows.filter((r) => r.name.endsWith("300 dpi") && !r.name.includes("sideways") && !r.name.includes("askew"));
const askew = rows.filter((r) => r.name.includes("askew"));
const summary = {
  engineStartSeconds: Math.round(startSeconds * 100) / 100,
  secondsPerClean300dpiPage: Math.round((clean.reduce((s, r) => s + r.seconds, 0) / clean.length) * 100) / 100,
  cerClean300dpi: Math.round((clean.reduce((s, r) => s + r.cer, 0) / clean.length) * 10000) / 10000,
  cerAskew300dpi: Math.round((askew.reduce((s, r) => s + r.cer, 0) / askew.length) * 10000) / 10000,
  loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round(os.loadavg()[0] * 10) / 10, cores: os.cpus().length },
  note: "seconds include rendering, the blank check, despeckle and one engine start per document; the machine is shared",
  rows,
};
console.log(JSON.stringify(summary, null, 2));
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", "ocr.json"), JSON.stringify(summary, null, 2));
