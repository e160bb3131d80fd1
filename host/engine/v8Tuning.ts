/**
 * V8 tuning for the per-event hot paths, applied when this module loads. V8
 * flags belong to the process, so the CLI's entry importing it covers every
 * worker it starts (strategy, sweep, fuzz, service). The strategy worker
 * imports it too: a program may embed the Supervisor without the CLI.
 *
 * TurboFan inlines callees into an optimized function until their bytecode
 * adds up to --max-inlined-bytecode-size-cumulative (920 bytes in Node 20).
 * The per-event path is a chain of small methods well past that (worker loop
 * → StrategyRunner.onMarket → venue → sandbox delivery → wasm entry, and
 * submit_order → risk gate → venue view → order message), so V8 stopped
 * part way and left real calls behind: the record copy, the view lookup,
 * the risk gate's reads. With 4000, measured on the same build (bench/RESULTS.md,
 * fifth session): a metered no-op delivery 42-44 -> 30-35 ns, `bench
 * throughput` 19.5-21.6 -> 26.2-26.7 M events/s, `bench replay` three
 * strategies 5.90 -> 6.38 M events/s, the ping strategy's event-to-order
 * 291-300 -> 240-250 ns in-process. 8000 (with a larger per-callee limit)
 * gained nothing more and lengthened the tail.
 *
 * A compiler heuristic only: it changes which calls V8 inlines, never what
 * the code computes, so results, fuel and audit hashes are the same with or
 * without it (tests run without it).
 */
import { setFlagsFromString } from "node:v8";

export const INLINE_BUDGET_BYTECODE_BYTES = 4000;

setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET_BYTECODE_BYTES}`);
