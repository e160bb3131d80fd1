import type { BacktestReport } from "./backtest.ts";

/** Fixed-point integer → decimal string (no float rounding). */
export function formatFixed(v: number, decimals: number): string {
  if (decimals === 0) return String(v);
  const neg = v < 0;
  const s = String(Math.abs(v)).padStart(decimals + 1, "0");
  return `${neg ? "-" : ""}${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

/** The readable table `backtest` prints without --json. */
export function formatSummary(r: BacktestReport): string {
  const rows = r.strategies.map((s) => [
    s.module,
    s.codeId.slice(0, 12),
    String(s.orders),
    String(s.fills),
    String(s.rejects),
    String(s.position),
    formatFixed(s.pnl, s.pnlDecimals),
    String(s.fuelUsed),
    s.faults.length ? `${s.faults[0].kind}@${s.faults[0].atEvent}` : "-",
  ]);
  const head = ["strategy", "codeId", "orders", "fills", "rejects", "position", "pnl", "fuel", "fault"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  for (const s of r.strategies) for (const f of s.faults) out.push(`fault: ${s.module}: ${f.kind} at event ${f.atEvent} in ${f.callback}: ${f.message}`);
  out.push(`events: ${r.events}  audit: ${r.auditHash}`);
  return out.join("\n");
}
