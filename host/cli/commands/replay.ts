/**
 * `ringfence replay SESSION [--json]`: re-execute a recorded live session and
 * check every decision against the recording (exit 1 naming the first
 * divergence). A strategy restarted during the session is checked instance
 * by instance; one whose worker died without a capture is checked as far as
 * the host saw it and shown as `match (partial)`.
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
      const status = !s.ok ? "DIVERGED" : s.complete ? "match" : "match (partial)";
      const restarts = s.instances.length > 1 ? `; ${s.instances.length} instances (restarted ${s.instances.length - 1}×)` : "";
      process.stdout.write(`${status}  ${s.label}: ${s.calls} host calls, fuel checked on ${s.fuelEvents} events, audit ${s.auditHash.slice(0, 16)}${restarts}\n`);
      if (s.instances.length > 1 || !s.complete) {
        for (const i of s.instances) {
          const name = i.instance === 0 ? "original" : `restart ${i.instance}`;
          const from = i.startAt >= 0 ? `from event ${i.startAt}` : "never attached";
          process.stdout.write(`    ${name} (worker ${i.worker}, ${from}): ${i.coverage}${i.ok ? "" : " DIVERGED"}${i.note ? ` — ${i.note}` : ""}\n`);
        }
      }
    }
  }
  const bad = result.strategies.find((s) => !s.ok);
  if (bad) {
    const d = bad.divergence;
    const where = d && d.instance > 0 ? `, restart ${d.instance},` : "";
    process.stderr.write(d
      ? `ringfence: replay diverged: strategy ${bad.index} (${bad.label})${where} at event ${d.eventIndex}: expected ${d.expected}, got ${d.actual}\n`
      : `ringfence: replay diverged: strategy ${bad.index} (${bad.label}): audit hash differs\n`);
    return 1;
  }
  return 0;
}
