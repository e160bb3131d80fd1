/**
 * `ringfence replay SESSION [--json] [--expect-digest HEX]`: re-execute a recorded live session and
 * check every decision against the recording (exit 1 naming the first
 * divergence). A strategy restarted during the session is checked instance
 * by instance; one whose worker died without a capture is checked as far as
 * the host saw it and shown as `match (partial)`.
 */
import { replaySession } from "../../replay/replay.ts";
import { readSession } from "../../replay/session.ts";
import { SEAL_FILE } from "../../replay/sessionSeal.ts";
import { onePositional, parseCommandArgs } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";

/** A digest as `run --record` prints it: 64 hex digits, with or without `sha256:`. */
function expectedDigest(text: string): string {
  const hex = text.startsWith("sha256:") ? text.slice(7) : text;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError("replay: --expect-digest must be the 64 hex digits 'run --record' printed (optionally after 'sha256:')");
  return hex.toLowerCase();
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("replay", argv, { json: { type: "boolean" }, "expect-digest": { type: "string" } });
  const dir = onePositional("replay", positionals, "SESSION directory");
  const expected = values["expect-digest"] === undefined ? null : expectedDigest(values["expect-digest"]);
  const session = readSession(dir);
  // The seal held (readSession checked every file against it); the digest says whether it is the seal that was printed.
  if (expected !== null) {
    if (session.digest === null) throw new InputError(`replay: session '${dir}' has no ${SEAL_FILE} (written before sessions were sealed), so it has no digest to check`);
    if (session.digest !== expected) throw new InputError(`replay: session '${dir}' has digest ${session.digest}, not ${expected}: it was changed after it was recorded, or it is another session`);
  }
  const result = replaySession(session);
  if (values.json) process.stdout.write(JSON.stringify({ ...result, sessionDigest: session.digest }) + "\n");
  else {
    process.stdout.write(session.digest === null
      ? `session ${dir}: unsealed (no ${SEAL_FILE}: written before sessions were sealed); its files are checked only by replay itself\n`
      : `session ${dir}: every file matches its ${SEAL_FILE}, digest sha256:${session.digest}${expected !== null ? " (as expected)" : ""}\n`);
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
