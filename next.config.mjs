/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build dir lets parallel checkouts' test runs build without clobbering each other.
  distDir: process.env.CAIRN_NEXT_DIST_DIR || ".next",
  // Native addons and parsers run in Node as they are, never bundled.
  serverExternalPackages: [
    "node-llama-cpp",
    "@lancedb/lancedb",
    "better-sqlite3",
    "pdf-parse",
    "pdfjs-dist",
    "mammoth",
    "yauzl",
    "chokidar",
    // PostgreSQL metadata: core/db/pgWorker.mjs runs from disk as a worker thread and imports pg.
    "pg",
  ],
  poweredByHeader: false,
  // Types are checked by `npm test` (tsc --noEmit over the whole tree, tests included).
  typescript: { ignoreBuildErrors: true },
  // Uploads stream through route handlers; no body-size cap from a proxy layer.
  experimental: {},
};

export default nextConfig;
