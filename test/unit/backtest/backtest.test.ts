// Backtest determinism and co-tenant independence: a strategy's entry is
// byte-identical alone, beside others, and beside hostile modules.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeAuditFile, verifyAuditBytes } from "../../../host/audit/auditFile.ts";
import { runBacktest } from "../../../host/backtest/backtest.ts";
import { formatSummary } from "../../../host/backtest/summary.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { backtest, spec, synthetic } from "../../support/backtestHarness.ts";
import { distPath } from "../../support/dist.ts";

const example = (name: string) => new Uint8Array(readFileSync(distPath(`strategies/${name}.wasm`)));
const NAMES = ["market-maker", "momentum", "mean-reversion"];
const data = () => synthetic(20_000, 11, 3);

describe("backtest", () => {
  it("is identical across repeated runs (JSON byte for byte)", () => {
    const a = backtest(NAMES.map((n) => spec(example(n), { label: n })), data());
    const b = backtest(NAMES.map((n) => spec(example(n), { label: n })), data());
    expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
    expect(a.report.strategies.some((s) => s.fills > 0)).toBe(true);
  });

  it("a strategy's entry is the same alone, beside others, and beside hostile modules", () => {
    const hostile = [
      strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } }),
      strategyWat({ imports: `(import "ringfence" "submit_order" (func $s (param i32) (result i32)))`, callbacks: { rf_on_market: "(drop (call $s (i32.const -8)))" } }),
      strategyWat({ callbacks: { rf_on_market: "(drop (memory.grow (i32.const 1000))) (i32.store (i32.const 0x7ffffff0) (i32.const 1))" } }),
    ].map((t, i) => spec(wat(t), { label: `hostile-${i}`, sandbox: { fuelPerCallback: 20_000 } }));
    for (const name of NAMES) {
      const alone = backtest([spec(example(name), { label: name })], data()).report.strategies[0];
      const crowd = backtest([...hostile.slice(0, 2), ...NAMES.map((n) => spec(example(n), { label: n })), hostile[2]], data()).report;
      const beside = crowd.strategies.find((s) => s.module === name)!;
      expect(beside).toEqual(alone);
      expect(crowd.strategies.filter((s) => s.module.startsWith("hostile")).map((s) => s.faults[0]?.kind)).toEqual(["out_of_fuel", "bad_host_call", "memory_limit"]);
    }
  });

  it("without keepAudit the strategy chains hold no entries, and the report and heads are the same", () => {
    const specs = NAMES.map((n) => spec(example(n), { label: n }));
    const kept = backtest(specs, data());
    const lean = runBacktest({ recording: data(), strategies: specs });
    expect(lean.report).toEqual(kept.report);
    expect(lean.auditLogs.map((l) => l.headHex)).toEqual(kept.auditLogs.map((l) => l.headHex));
    expect(lean.auditLogs.slice(1).map((l) => l.heldBlocks)).toEqual(specs.map(() => 0));
    expect(kept.auditLogs.slice(1).some((l) => l.heldBlocks > 0)).toBe(true);
    expect(() => encodeAuditFile(lean.auditLogs)).toThrow(/no longer held/);
  });

  it("the audit file of a run verifies, and the run hash commits to every strategy", () => {
    const run = backtest(NAMES.map((n) => spec(example(n), { label: n })), data());
    const v = verifyAuditBytes(encodeAuditFile(run.auditLogs));
    expect(v.ok).toBe(true);
    expect(v.chains.map((c) => c.headHex)).toEqual([run.report.auditHash, ...run.report.strategies.map((s) => s.auditHash)]);
    const other = backtest(NAMES.slice(0, 2).map((n) => spec(example(n), { label: n })), data());
    expect(other.report.auditHash).not.toBe(run.report.auditHash);
  });

  it("params reach the strategy and change its decisions", () => {
    const a = backtest([spec(example("momentum"), { label: "m" })], data()).report.strategies[0];
    const b = backtest([spec(example("momentum"), { label: "m", params: { qty_lots: 3 } })], data()).report.strategies[0];
    expect(b.auditHash).not.toBe(a.auditHash);
  });

  it("prints a readable summary with one row per strategy and faults spelled out", () => {
    const run = backtest([spec(example("momentum"), { label: "momentum" }), spec(wat(strategyWat({ callbacks: { rf_on_market: "unreachable" } })), { label: "bad" })], data());
    const text = formatSummary(run.report);
    expect(text).toMatch(/^strategy\s+codeId\s+orders/m);
    expect(text).toMatch(/^momentum\s/m);
    expect(text).toMatch(/fault: bad: trap at event \d+ in rf_on_market: wasm trap: unreachable executed/);
  });
});
