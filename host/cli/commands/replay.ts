/**
 * `ringfence replay SESSION [--json]`: re-execute a recorded live session and
 * check every decision against the recording (exit 1 naming the first
 * divergence).
 */
import { replaySession } from "../../replay/replay.ts";
import { readSession } from "../../replay/session.ts";
import { onePositional, parseCommandArgs } from "../args.ts";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("replay", argv, { json: { type: "boolean" } });
  const dir = onePositional("replay", positionals, "SESSION directory");
  const result = replaySession(readSession(dir));
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else {
    for (const s of result.strategies) {
      process.stdout.write(`${s.ok ? "match" : "DIVERGED"}  ${s.label}: ${s.calls} host calls, fuel checked on ${s.fuelEvents} events, audit ${s.auditHash.slice(0, 16)}\n`);
    }
  }
  const bad = result.strategies.find((s) => !s.ok);
  if (bad) {
    const d = bad.divergence;
    process.stderr.write(d
      ? `ringfence: replay diverged: strategy ${bad.index} (${bad.label}) at event ${d.eventIndex}: expected ${d.expected}, got ${d.actual}\n`
      : `ringfence: replay diverged: strategy ${bad.index} (${bad.label}): audit hash differs\n`);
    return 1;
  }
  return 0;
}
