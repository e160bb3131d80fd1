import { spawn, type ChildProcess, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./dist.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "ringfence.mjs"), ...args], {
    cwd: opts.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** True when stderr carries a JS stack frame (never allowed for bad input). */
export function hasStackTrace(stderr: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(stderr) || /^\s+at .+:\d+:\d+$/m.test(stderr);
}

/**
 * Starts `ringfence ARGS` and calls `act(child)` once, when its stderr first
 * contains `marker` (for `run`, "ringfence run": the live view's first line,
 * so the feed is running). Resolves when the process closes.
 */
export function runCliActing(args: string[], marker: string, act: (child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "ringfence.mjs"), ...args], { cwd: repoRoot });
    let stdout = "";
    let stderr = "";
    let acted = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      if (!acted && stderr.includes(marker)) {
        acted = true;
        act(child);
      }
    });
    child.on("close", (code, sig) => resolve({ code: code ?? (sig ? -2 : -1), stdout, stderr }));
  });
}
