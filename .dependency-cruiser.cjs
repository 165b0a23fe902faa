/**
 * The layering of DESIGN.md, checked by `npm run lint:deps` (part of `npm test`):
 *
 *   app/  ──►  lib/  ──►  ingest/ · vectorstore/ · models/  ──►  core/
 *
 * Only entry points (app/, ingest/worker.ts, the CLIs) import lib/; core/ imports nothing of Cairn.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const production = "^(app|lib|core|ingest|models|vectorstore)/";

module.exports = {
  forbidden: [
    {
      name: "core-is-the-ground",
      comment: "core/ (errors, config, metadata db, stored files) imports nothing else of Cairn.",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(app|lib|ingest|models|vectorstore|scripts|test)/" },
    },
    {
      name: "models-stand-on-core",
      comment: "models/ uses only core/ (and itself).",
      severity: "error",
      from: { path: "^models/" },
      to: { path: "^(app|lib|ingest|vectorstore|scripts|test)/" },
    },
    {
      name: "vectorstore-stands-on-core",
      comment: "vectorstore/ uses only core/ (and itself).",
      severity: "error",
      from: { path: "^vectorstore/" },
      to: { path: "^(app|lib|ingest|models|scripts|test)/" },
    },
    {
      name: "ingest-never-reaches-up",
      comment: "ingest/ uses core/, models/ and vectorstore/; only its entry point ingest/worker.ts may wire in lib/.",
      severity: "error",
      from: { path: "^ingest/", pathNot: "^ingest/worker\\.ts$" },
      to: { path: "^(app|lib|scripts|test)/" },
    },
    {
      name: "lib-never-imports-app",
      comment: "lib/ is the service layer under app/; it never imports the web app.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|scripts|test)/" },
    },
    {
      name: "no-tests-in-production",
      comment: "Product code never imports test code.",
      severity: "error",
      from: { path: production },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      comment: "No import cycles.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves (to a file or an installed package).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|data|test/artifacts)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".mts", ".mjs", ".js", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
