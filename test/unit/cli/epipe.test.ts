// Output piped into a reader that has gone (`ringfence audit verify F | head -0`):
// the command ends quietly, exit 0, never an unhandled EPIPE with a stack trace.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { hasStackTrace } from "../../support/cli.ts";
import { repoRoot } from "../../support/dist.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-epipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with its stdout's reading end closed before it writes; resolves with its exit code and stderr. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "ringfence.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a closed stdout", () => {
  it("audit verify over many chains: exit 0, nothing on stderr", async () => {
    // Enough lines that the pipe's buffer is not what takes them.
    const logs = Array.from({ length: 3000 }, (_, i) => new AuditLog(`chain-${i}-${"x".repeat(40)}`));
    const file = join(dir, "many.rfa");
    writeFileSync(file, encodeAuditFile(logs));
    const r = await withClosedStdout(["audit", "verify", file]);
    expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.code).toBe(0);
  });
});
