/**
 * `ringfence inspect FILE [--json]`: header, counts per kind, time range and
 * per-instrument statistics. Reads block by block, so a file of any size
 * costs constant memory, and checks everything the backtest's reader checks:
 * a file inspect accepts is a file backtest accepts.
 */
import { parseCommandArgs, onePositional } from "../args.ts";
import { EVENT_RECORD_WORDS } from "../../abi/eventRecord.ts";
import { RECORDS_PER_BLOCK_MAX } from "../../feed/recordingFormat.ts";
import { RecordingReader } from "../../feed/recordingReader.ts";
import { RecordingStats, type EventsReport } from "../../feed/recordingStats.ts";
import type { RecordingHeaderFields } from "../../feed/recordingHeader.ts";

const COMMAND = "inspect";

export interface InspectReport extends EventsReport {
  file: string;
  bytes: number;
  format: string;
  version: number;
  source: string;
  createdBy: Record<string, string | number>;
  events: number;
  blocks: number;
  eventsSha256: string;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, { json: { type: "boolean" } });
  const path = onePositional(COMMAND, positionals, "recording FILE");
  const report = inspectFile(path);
  process.stdout.write(values.json ? JSON.stringify(report) + "\n" : formatReport(report));
  return 0;
}

/** Reads and checks the whole file; throws RecordingError (one line) on any problem. */
export function inspectFile(path: string): InspectReport {
  const reader = RecordingReader.openFile(path);
  try {
    const header: RecordingHeaderFields = reader.header;
    const stats = new RecordingStats(header.instruments);
    const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
    for (let n = reader.readBlock(block, 0); n > 0; n = reader.readBlock(block, 0)) stats.add(block, 0, n);
    return {
      file: path,
      bytes: reader.byteLength,
      format: header.format,
      version: header.version,
      source: header.source,
      createdBy: header.createdBy,
      events: reader.events,
      blocks: reader.blocks,
      eventsSha256: reader.eventsSha256,
      ...stats.report(),
    };
  } finally {
    reader.close();
  }
}

function formatReport(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${r.file}: ${r.format} v${r.version}, ${r.events} events in ${r.blocks} blocks, ${r.bytes} bytes`);
  const field = (label: string, value: string) => lines.push(`${label.padEnd(14)}${value}`);
  field("source", r.source);
  field("created by", Object.entries(r.createdBy).map(([k, v]) => `${k}=${v}`).join(" ") || "-");
  field("events sha256", r.eventsSha256);
  field("time", r.time === null ? "(no events)" : `${r.time.first} .. ${r.time.last} (${(r.time.spanNs / 1e9).toFixed(3)} s)`);
  const k = r.kinds;
  field("kinds", `quote ${k.quote}, trade ${k.trade}, fill ${k.fill}, order_update ${k.orderUpdate}, timer ${k.timer}`);
  lines.push("");
  const rows: string[][] = [["id", "symbol", "quotes", "trades", "buy/sell", "volume", "mid min", "mid max", "mid last", "trade min", "trade max", "trade last", "avg spread"]];
  for (const s of r.instruments) {
    rows.push([
      String(s.id),
      s.symbol,
      String(s.quotes),
      String(s.trades),
      `${s.buyTrades}/${s.sellTrades}`,
      s.volume,
      s.mid?.min ?? "-",
      s.mid?.max ?? "-",
      s.mid?.last ?? "-",
      s.trade?.min ?? "-",
      s.trade?.max ?? "-",
      s.trade?.last ?? "-",
      s.avgSpreadTicks === null ? "-" : `${s.avgSpreadTicks.toFixed(2)} ticks`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) {
    lines.push(row.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
  }
  return lines.join("\n") + "\n";
}
