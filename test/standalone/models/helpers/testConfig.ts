import { loadConfig, type CairnConfig } from "@/core/config";

/** A config from just these CAIRN_* variables, ignoring the test runner's own environment. */
export function testConfig(env: Record<string, string>): CairnConfig {
  return loadConfig({ NODE_ENV: "test", ...env });
}
