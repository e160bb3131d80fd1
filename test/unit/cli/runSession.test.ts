// `ringfence run --record` as a user ends it or names it: Ctrl-C (SIGINT)
// or SIGTERM mid-run stops the feed as --duration would, prints the run's
// results, writes a complete session marked with the signal and exits
// 128+signal — never a lost session; a session path written with a
// trailing slash is the same session, not a failure after the whole run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli, runCliActing, type CliResult } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-cli-run-session-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ringfence run ARGS` and sends `signal` once the live view has drawn its first line (the feed is running). */
function runAndSignal(args: string[], signal: NodeJS.Signals): Promise<CliResult> {
  return runCliActing(["run", ...args], "ringfence run", (child) => child.kill(signal));
}

describe("ringfence run --record, interrupted", () => {
  it.each<[NodeJS.Signals, number]>([["SIGINT", 130], ["SIGTERM", 143]])("%s mid-run: results printed, the session written and marked, replay ok, exit %i", async (signal, exit) => {
    const session = join(dir, `sess-${signal}`);
    // A feed of 100 s at this rate: only the signal ends it.
    const r = await runAndSignal(["--strategy", distPath("strategies/momentum.wasm"), "--strategy", distPath("strategies/market-maker.wasm"),
      "--events", "2000000", "--rate", "20000", "--record", session], signal);
    expect(r.code, r.stderr).toBe(exit);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toMatch(/^events \d+ in \d+ ms/);
    const events = Number(/^events (\d+)/.exec(r.stdout)![1]);
    expect(events).toBeGreaterThan(0);
    expect(events).toBeLessThan(2_000_000);
    expect(r.stderr).toContain(`recorded session ${session}: ${events} events`);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe(`ringfence: run: interrupted by ${signal} after ${events} events; the session holds them (replay it with 'ringfence replay ${session}')`);
    const meta = JSON.parse(readFileSync(join(session, "session.json"), "utf8"));
    expect(meta.events).toBe(events);
    expect(meta.config.interrupted).toBe(signal);
    const replay = runCli(["replay", session]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout.match(/^match  /gm)).toHaveLength(2);
  }, 120_000);
});

describe("ringfence run --record PATH/", () => {
  it("a trailing slash names the same session: written, replayable, nothing left behind", () => {
    const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--events", "3000", "--rate", "0", "--lossless", "--json", "--record", join(dir, "slash") + "/"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "slash", "session.json"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(readdirSync(join(dir, "slash")).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(runCli(["replay", join(dir, "slash") + "/"]).code).toBe(0);
  });
});
