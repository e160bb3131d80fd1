/**
 * The live terminal view of `ringfence run`: events/s, latency percentiles,
 * ring lag and gaps, and per-strategy fills, position and PnL. Redraws in
 * place on a TTY; prints one compact line per tick otherwise (logs, CI).
 */
import { percentiles, type LiveTelemetry } from "./telemetry.ts";

export function renderView(t: LiveTelemetry, elapsedMs: number): string {
  const p = percentiles(t.tickToOrder);
  const rate = elapsedMs > 0 ? Math.round(t.eventsPublished / (elapsedMs / 1000)) : 0;
  const lines = [
    `ringfence run  ${(elapsedMs / 1000).toFixed(1)}s  events ${t.eventsPublished}  ${rate} ev/s`,
    `tick→order  p50 ${us(p.p50Ns)}  p99 ${us(p.p99Ns)}  p99.9 ${us(p.p999Ns)}  (${p.samples} orders)   ring lag max ${t.maxRingLag}  gaps ${t.gapRecords}  lapped ${t.lappedCount}`,
    `${"strategy".padEnd(24)} ${"orders".padStart(8)} ${"denied".padStart(7)} ${"fills".padStart(7)} ${"position".padStart(9)}  status`,
  ];
  for (const s of t.strategies) {
    lines.push(`${s.label.slice(-24).padEnd(24)} ${String(s.orders).padStart(8)} ${String(s.denials).padStart(7)} ${String(s.fills).padStart(7)} ${String(s.position).padStart(9)}  ${s.fault ?? "ok"}`);
  }
  return lines.join("\n");
}

function us(ns: number): string {
  return `${(ns / 1000).toFixed(2)}µs`;
}

export class TerminalView {
  private drawnLines = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(t: LiveTelemetry, elapsedMs: number): void {
    const text = renderView(t, elapsedMs);
    if (this.out.isTTY) {
      if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
      this.out.write(text + "\n");
      this.drawnLines = text.split("\n").length;
    } else {
      this.out.write(text.split("\n").slice(0, 2).join("  |  ") + "\n");
    }
  }
}
