/**
 * The fuel cost model: what one unit of fuel buys. docs/metering.md explains
 * it in prose; this file is the only place the numbers live.
 *
 * Every binaryen expression (≈ one wasm instruction) costs 1, except the pure
 * structure nodes that emit no machine code (block, loop, nop, pop), which
 * cost 0. A call costs 1 at the call site; the callee pays for its own body
 * at its entry. Bulk memory operations also pay by size, and host calls pay
 * their HostCallSpec.fuel from JS. Costs are static: the rewrite charges, at
 * each charge point, the summed cost of the code that the charge point
 * guards, so the same module and inputs always run out of fuel at the same
 * charge point with the same fuel left, on any thread and any tier.
 */
import { binaryen } from "./binaryenApi.ts";

/** Structure-only expressions: no code of their own, no fuel. */
const BLOCK_ID = binaryen.BlockId;
const LOOP_ID = binaryen.LoopId;
const NOP_ID = binaryen.NopId;
const POP_ID = binaryen.PopId;
const MEMORY_GROW_ID = binaryen.MemoryGrowId;

/**
 * memory.grow, even when it grows nothing, is a call into V8 (~0.4 µs here,
 * where an instruction is ~1 ns): at 1 fuel a loop of `memory.grow 0` ran a
 * whole budget for ~0.4 s per callback. Priced like a host call.
 */
export const MEMORY_GROW_COST = 1000;

/** Static fuel for one expression node (its children are charged separately). */
export function expressionCost(id: number): number {
  if (id === MEMORY_GROW_ID) return MEMORY_GROW_COST;
  return id === BLOCK_ID || id === LOOP_ID || id === NOP_ID || id === POP_ID ? 0 : 1;
}

/**
 * An `if` arm whose own static cost reaches this gets its own charge point,
 * so a rarely taken large arm is only paid for when it runs. Smaller arms are
 * prepaid by the enclosing region (a charge point costs ~2 instructions, not
 * worth it for a few).
 */
export const IF_ARM_CHARGE_MIN_COST = 16;

/** Every charge point charges at least this much (an empty loop still costs). */
export const MIN_CHARGE = 1;

/**
 * memory.fill / memory.copy / memory.init pay ceil(bytes / 2^BULK_BYTES_PER_FUEL_LOG2)
 * on top of their static cost of 1: one fuel per 64 bytes moved.
 */
export const BULK_BYTES_PER_FUEL_LOG2 = 6;

/** Dynamic fuel for a bulk operation of `bytes` bytes (used by tests and docs). */
export function bulkFuel(bytes: number): number {
  return Math.ceil((bytes >>> 0) / (1 << BULK_BYTES_PER_FUEL_LOG2));
}

/**
 * Stack units: the deterministic stand-in for native stack use. A frame
 * costs 1 + floor(slots / 8) units, where slots = params + locals (after the
 * rewrite, so its scratch locals count) + the function's maximum operand
 * stack height + METER_OPERAND_HEIGHT. Liftoff, V8's baseline tier, gives
 * each of those a stack slot, so units bound native stack use the same way
 * on every thread: ~8 slots of 8 bytes plus the fixed frame overhead per unit.
 */
export const SLOTS_PER_STACK_UNIT = 8;

/** Extra operand-stack height the rewrite's own charge and sync code can add. */
export const METER_OPERAND_HEIGHT = 4;

/** Stack units for a frame with `slots` value slots (see above). */
export function frameStackUnits(slots: number): number {
  return 1 + Math.floor(slots / SLOTS_PER_STACK_UNIT);
}
