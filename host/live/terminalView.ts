/**
 * The live terminal view of `ringfence run`: events/s, latency percentiles,
 * ring lag and gaps, and per-strategy fills, position, restarts and status.
 * Redraws in place on a TTY; prints one compact line per tick otherwise
 * (logs, CI).
 */
import { percentiles, type LiveTelemetry } from "./telemetry.ts";

export function renderView(t: LiveTelemetry, elapsedMs: number): string {
  const p = percentiles(t.tickToOrder);
  const rate = elapsedMs > 0 ? Math.round(t.eventsPublished / (elapsedMs / 1000)) : 0;
  const lines = [
    `ringfence run  ${(elapsedMs / 1000).toFixed(1)}s  events ${t.eventsPublished}  ${rate} ev/s`,
    `tick→order  p50 ${us(p.p50Ns)}  p99 ${us(p.p99Ns)}  p99.9 ${us(p.p999Ns)}  (${p.samples} orders)   ring lag max ${t.maxRingLag}  gaps ${t.gapRecords}  lapped ${t.lappedCount}`,
    `${"strategy".padEnd(24)} ${"orders".padStart(8)} ${"denied".padStart(7)} ${"fills".padStart(7)} ${"position".padStart(9)} ${"restarts".padStart(8)}  status`,
  ];
  for (const s of t.strategies) {
    const status = s.fault === null ? "ok" : s.restartPending ? `restarting — ${s.fault}` : s.fault;
    lines.push(`${s.label.slice(-24).padEnd(24)} ${String(s.orders).padStart(8)} ${String(s.denials).padStart(7)} ${String(s.fills).padStart(7)} ${String(s.position).padStart(9)} ${String(s.restarts).padStart(8)}  ${status}`);
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
      // One line per tick; restarts and downed strategies are news, so they join it.
      const restarts = t.strategies.reduce((n, s) => n + s.restarts, 0);
      const down = t.strategies.filter((s) => s.fault !== null).length;
      const extra = restarts > 0 || down > 0 ? `  |  restarts ${restarts}, strategies down ${down}` : "";
      this.out.write(text.split("\n").slice(0, 2).join("  |  ") + extra + "\n");
    }
  }
}
