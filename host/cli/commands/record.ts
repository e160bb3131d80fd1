/**
 * `ringfence record synthetic --seed N --events N [--instruments K] -o FILE`
 *
 * Streams the synthetic feed into a recording: one block of events in
 * memory at a time, whatever --events says, and the file appears under its
 * name only when complete (temp file + rename). Equal flags give a
 * byte-identical file.
 */
import { parseCommandArgs, intFlag, onePositional } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EVENT_RECORD_WORDS } from "../../abi/eventRecord.ts";
import { RecordingWriter } from "../../feed/recordingWriter.ts";
import { RECORDS_PER_BLOCK_MAX } from "../../feed/recordingFormat.ts";
import { SYNTHETIC_MAX_EVENTS, SYNTHETIC_MAX_INSTRUMENTS, SyntheticFeed } from "../../feed/synthetic.ts";

const COMMAND = "record";
const DEFAULT_INSTRUMENTS = 4;
const USAGE = "usage: ringfence record synthetic --seed N --events N [--instruments K] -o FILE";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, {
    seed: { type: "string" },
    events: { type: "string" },
    instruments: { type: "string" },
    output: { type: "string", short: "o" },
  });
  const source = onePositional(COMMAND, positionals, "source ('synthetic')");
  if (source !== "synthetic") throw new UsageError(`${COMMAND}: unknown source '${source}', expected 'synthetic' (${USAGE})`);
  if (values.seed === undefined) throw new UsageError(`${COMMAND}: --seed N is required (${USAGE})`);
  if (values.events === undefined) throw new UsageError(`${COMMAND}: --events N is required (${USAGE})`);
  if (values.output === undefined || values.output === "") throw new UsageError(`${COMMAND}: -o FILE is required (${USAGE})`);
  const seed = intFlag(COMMAND, "seed", values.seed, 0, 0);
  const events = boundedInt("events", values.events, 1, SYNTHETIC_MAX_EVENTS);
  const instruments = values.instruments === undefined ? DEFAULT_INSTRUMENTS : boundedInt("instruments", values.instruments, 1, SYNTHETIC_MAX_INSTRUMENTS);
  const out = values.output;

  const feed = new SyntheticFeed({ seed, events, instruments });
  const writer = RecordingWriter.toFile(out, feed.header);
  const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
  try {
    for (let n = feed.fill(block, 0, RECORDS_PER_BLOCK_MAX); n > 0; n = feed.fill(block, 0, RECORDS_PER_BLOCK_MAX)) {
      writer.append(block, 0, n);
    }
    const s = writer.finish();
    process.stdout.write(`wrote ${out}: ${s.events} events, ${instruments} instruments, ${s.bytes} bytes, sha256 ${s.fileSha256}\n`);
    return 0;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

function boundedInt(name: string, value: string, min: number, max: number): number {
  const n = intFlag(COMMAND, name, value, min, min);
  if (n > max) throw new UsageError(`${COMMAND}: --${name} must be an integer ${min}..${max}, got '${value}'`);
  return n;
}
