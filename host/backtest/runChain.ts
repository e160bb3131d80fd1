/**
 * The run's audit chain: one entry per strategy, in strategy order, each
 * committing to that strategy's whole chain (code id, head hash, entry
 * count). Every host call is in a strategy chain; the run chain ties them
 * together. Built after the run from the strategies' heads, so it is the
 * same whether the strategies ran on one thread or spread over N workers in
 * any interleaving — and it costs one hash per strategy, not per call.
 */
import { AuditLog } from "../audit/auditLog.ts";

export interface StrategyChainHead {
  readonly codeId: string;
  readonly auditHash: string;
  readonly auditEntries: number;
}

export function buildRunChain(strategies: readonly StrategyChainHead[], events: number): AuditLog {
  const run = new AuditLog("run");
  strategies.forEach((s, i) => {
    run.append({ eventIndex: events, timeNs: 0, call: "strategy_chain", args: [i, s.auditEntries], result: 0, detail: `${s.codeId}:${s.auditHash}` }, i);
  });
  return run;
}
