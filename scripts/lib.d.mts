export const root: string;
export const offlineEnv: Record<string, string>;
export function run(cmd: string, args: string[], opts?: { env?: Record<string, string>; allowFailure?: boolean }): number;
export function ensureDependencies(): void;
export function ensureChromium(): void;
export function npmBin(name: string): string;
export function ensureBuild(opts?: { force?: boolean }): void;
export const workerCommand: [string, string[]];
export function ensureMoto(): string;
