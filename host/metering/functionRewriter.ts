/**
 * Rewrites one function body in place: fuel charge points, stack units,
 * fuel syncs around calls, bulk-memory charges, memory.grow denial flag and
 * NaN canonicalization. instrument.ts decides the plan for each function;
 * docs/metering.md explains the design.
 *
 *   prologue    f = __rf_fuel - entryCost; [d = __rf_depth + units]
 *               if (f < 0 [or d > limit]) entry_fault(f, entryCost)
 *   loop        `loop $l body` → `loop $l (charge(bodyCost); body)`
 *   big if arm  `arm` → `(charge(armCost); arm)` (small arms are prepaid)
 *   bulk memory size operand → `(t = size; charge(ceil(t / 64)); t)`
 *   return      → `br $ret`, when there is an epilogue to run
 *   epilogue    [__rf_depth = d - units] [__rf_fuel = f]
 *
 * Fuel caching: a function with a loop keeps fuel in a local (a register
 * across iterations instead of a global load+store). It writes the local back
 * to __rf_fuel right before every call that may read or charge it (guest
 * callees, host imports) and reloads it right after, and at the epilogue and
 * in every fault path. Loop-free functions charge the global directly.
 */
import { B, binaryen } from "./binaryenApi.ts";
import { childAccess } from "./expressionChildren.ts";
import {
  BULK_BYTES_PER_FUEL_LOG2, IF_ARM_CHARGE_MIN_COST, METER_OPERAND_HEIGHT, MIN_CHARGE, bulkFuel, expressionCost, frameStackUnits,
} from "./costModel.ts";
import type { FunctionFacts } from "./functionScan.ts";
import { MeterFault } from "./meterAbi.ts";

type Ref = number;
type Module = binaryen.Module;
type ChildAccess = NonNullable<ReturnType<typeof childAccess>>;

/** Canonical quiet NaNs: what every NaN becomes where float bits become observable. */
export const CANONICAL_NAN_F32_BITS = 0x7fc00000;
export const CANONICAL_NAN_F64_BITS = 0x7ff8000000000000n;

/** Largest charge one charge point makes (keeps `fuel - cost` inside i32). */
const MAX_CHARGE = 0x7fffffff;

/** Internal names the rewrite adds, unique against the module's own names. */
export interface MeterNames {
  readonly fuel: string;
  readonly depth: string;
  readonly fault: string;
  readonly growDenied: string;
  readonly entryFault: string;
}

/** What instrument.ts decided for one function. */
export interface FunctionPlan {
  /** Counts stack units in __rf_depth (it is recursive, or every function counts). */
  readonly countsDepth: boolean;
  /**
   * Its entry cost is charged by every (direct) caller as part of the
   * caller's own region, so it has no entry charge at all. Only for
   * functions that call no guest function and that nothing but direct calls
   * can reach (not exported, not in a table, not the start function).
   */
  readonly prepaid: boolean;
}

/** A prepaid function as its callers see it. */
export interface PrepaidCallee {
  readonly entryCost: number;
  /** It reads or charges __rf_fuel (loops, charge points, host calls): callers must sync first. */
  readonly touchesFuel: boolean;
}

export interface RewriteContext {
  readonly module: Module;
  readonly names: MeterNames;
  /** Prepaid functions rewritten so far (all of them before any caller). */
  readonly prepaid: ReadonlyMap<string, PrepaidCallee>;
  /** Defined (non-imported) function names: a call to anything else is a host call. */
  readonly defined: ReadonlySet<string>;
}

export interface RewriteResult {
  readonly entryCost: number;
  /** Stack units of one frame (costModel.frameStackUnits of the rewritten function). */
  readonly units: number;
  readonly touchesFuel: boolean;
  /**
   * The i32.const holding the stack limit in the prologue's depth check
   * (0 when the function does not count depth); instrument.ts sets it once
   * every function's frame size is known.
   */
  readonly limitConst: Ref;
}

const REINTERPRET_FLOAT_OPS: ReadonlySet<number> = new Set([binaryen.ReinterpretFloat32, binaryen.ReinterpretFloat64]);
const COPYSIGN_OPS: ReadonlySet<number> = new Set([binaryen.CopySignFloat32, binaryen.CopySignFloat64]);
/** Float-producing unary ops whose result can never be a NaN with platform-chosen bits. */
const NAN_FREE_UNARY_OPS: ReadonlySet<number> = new Set([
  binaryen.ConvertSInt32ToFloat32, binaryen.ConvertSInt32ToFloat64,
  binaryen.ConvertUInt32ToFloat32, binaryen.ConvertUInt32ToFloat64,
  binaryen.ConvertSInt64ToFloat32, binaryen.ConvertSInt64ToFloat64,
  binaryen.ConvertUInt64ToFloat32, binaryen.ConvertUInt64ToFloat64,
  binaryen.ReinterpretInt32, binaryen.ReinterpretInt64,
]);

export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}_${i}`)) return `${base}_${i}`;
}

export class FunctionRewriter {
  private readonly m: Module;
  private readonly names: MeterNames;
  /** Fuel lives in local `fuelLocal` between syncs (functions with loops). */
  private readonly cached: boolean;
  /** An epilogue runs on every normal exit (so `return` must branch to it). */
  private readonly hasEpilogue: boolean;
  private fuelLocal = -1;
  private depthLocal = -1;
  private readonly temps = new Map<number, number>();
  /** Static cost accumulated for the region being visited (up to the next charge point). */
  private region = 0;
  /** Charge points emitted so far; a call compares it around its operands. */
  private charges = 0;
  private callsHost = false;
  private readonly retLabel: string;
  private hasReturn = false;

  constructor(
    private readonly ctx: RewriteContext,
    private readonly func: Ref,
    private readonly facts: FunctionFacts,
    private readonly plan: FunctionPlan,
  ) {
    this.m = ctx.module;
    this.names = ctx.names;
    this.cached = facts.hasLoop;
    this.hasEpilogue = plan.countsDepth || this.cached;
    this.retLabel = uniqueName("__rf_ret", (n) => facts.labels.has(n));
    if (plan.prepaid && plan.countsDepth) throw new Error("a prepaid function never counts stack units");
  }

  rewrite(): RewriteResult {
    const { func } = this;
    const body = B.Function.getBody(func);
    this.fuelLocal = this.addLocal(binaryen.i32);
    if (this.plan.countsDepth) this.depthLocal = this.addLocal(binaryen.i32);
    const newBody = this.visit(body);
    const entryCost = this.clampCharge(this.region);

    const resultType = B.Function.getResults(func);
    // The epilogue's result temp must exist before the frame is measured.
    const resultTemp = this.hasEpilogue && resultType !== binaryen.none ? this.temp(resultType) : -1;
    // Counted after the rewrite, so the scratch locals it added count too.
    let slots = binaryen.expandType(B.Function.getParams(func)).length + this.facts.operandHeight + METER_OPERAND_HEIGHT;
    const numVars = B.Function.getNumVars(func);
    for (let i = 0; i < numVars; i++) slots += binaryen.expandType(B.Function.getVar(func, i)).length;

    const units = frameStackUnits(slots);
    const { body: wrapped, limitConst } = this.wrapBody(newBody, entryCost, resultType, resultTemp, units);
    B.Function.setBody(func, wrapped);
    return { entryCost, units, touchesFuel: this.cached || this.charges > 0 || this.callsHost, limitConst };
  }

  private addLocal(type: number): number {
    return B._BinaryenFunctionAddVar(this.func, type);
  }

  /** One scratch local per type: every use sets it and reads it back with no guest code in between. */
  private temp(type: number): number {
    let index = this.temps.get(type);
    if (index === undefined) {
      index = this.addLocal(type);
      this.temps.set(type, index);
    }
    return index;
  }

  private clampCharge(cost: number): number {
    return Math.min(MAX_CHARGE, Math.max(MIN_CHARGE, cost));
  }

  /**
   * Prologue + body + epilogue. The depth limit (budget minus the reserve for
   * non-recursive frames) needs every function's frame size, so it is a
   * placeholder const here, returned for instrument.ts to fill in.
   */
  private wrapBody(body: Ref, entryCost: number, results: number, resultTemp: number, units: number): { body: Ref; limitConst: Ref } {
    const { m, names } = this;
    const i32 = binaryen.i32;
    const f = this.fuelLocal;
    const stmts: Ref[] = [];
    let limitConst = 0;
    if (this.plan.prepaid) {
      if (this.cached) stmts.push(m.local.set(f, m.global.get(names.fuel, i32)));
    } else {
      const fuelAfter = m.local.tee(f, m.i32.sub(m.global.get(names.fuel, i32), m.i32.const(entryCost)), i32);
      let overLimit = fuelAfter;
      if (this.plan.countsDepth) {
        // One branch for both limits: (f | (limit - d)) < 0 iff f < 0 or d > limit.
        limitConst = m.i32.const(0);
        const depthAfter = m.local.tee(this.depthLocal, m.i32.add(m.global.get(names.depth, i32), m.i32.const(units)), i32);
        overLimit = m.i32.or(fuelAfter, m.i32.sub(limitConst, depthAfter));
      }
      // The fault path calls a shared trapping helper (see instrument.ts addEntryFault for why).
      stmts.push(m.if(
        m.i32.lt_s(overLimit, m.i32.const(0)),
        m.call(names.entryFault, [m.local.get(f, i32), m.i32.const(entryCost)], binaryen.none),
      ));
      if (!this.cached) stmts.push(this.storeFuel());
    }
    if (this.plan.countsDepth) {
      stmts.push(m.global.set(names.depth, m.local.get(this.depthLocal, i32)));
    }
    if (!this.hasEpilogue) {
      stmts.push(body);
      return { body: m.block(null, stmts, results), limitConst };
    }
    const core = this.hasReturn ? m.block(this.retLabel, [body], results) : body;
    const epilogue: Ref[] = [];
    if (this.plan.countsDepth) epilogue.push(m.global.set(names.depth, m.i32.sub(m.local.get(this.depthLocal, i32), m.i32.const(units))));
    if (this.cached) epilogue.push(this.storeFuel());
    if (results === binaryen.none) {
      stmts.push(core, ...epilogue);
    } else {
      stmts.push(m.local.set(resultTemp, core), ...epilogue, m.local.get(resultTemp, results));
    }
    return { body: m.block(null, stmts, results), limitConst };
  }

  private storeFuel(): Ref {
    return this.m.global.set(this.names.fuel, this.m.local.get(this.fuelLocal, binaryen.i32));
  }

  /** Charge a static cost: `f -= cost; if (f < 0) { __rf_fuel = f + cost; __rf_fault = 1; trap }`. */
  private charge(cost: number): Ref {
    const c = this.clampCharge(cost);
    return this.chargeBy(() => this.m.i32.const(c));
  }

  /**
   * Charge an amount computed by `amount()` (built twice: hot path and fault
   * path). The fault path is inline: a call there, even never taken, made V8
   * keep loop-carried values in stack slots (measured: loops 2.5x slower).
   */
  private chargeBy(amount: () => Ref): Ref {
    const { m, names } = this;
    const i32 = binaryen.i32;
    const f = this.fuelLocal;
    this.charges++;
    const source = this.cached ? m.local.get(f, i32) : m.global.get(names.fuel, i32);
    const check = m.if(
      m.i32.lt_s(m.local.tee(f, m.i32.sub(source, amount()), i32), m.i32.const(0)),
      m.block(null, [
        m.global.set(names.fuel, m.i32.add(m.local.get(f, i32), amount())),
        m.global.set(names.fault, m.i32.const(MeterFault.OutOfFuel)),
        m.unreachable(),
      ]),
    );
    if (this.cached) return check;
    return m.block(null, [check, this.storeFuel()], binaryen.none);
  }

  private visit(e: Ref): Ref {
    const id = binaryen.getExpressionId(e);
    const access = childAccess(id)!; // scanFunction refused unsupported kinds
    this.region += expressionCost(id);
    switch (id) {
      case binaryen.LoopId:
        return this.visitLoop(e);
      case binaryen.IfId:
        return this.visitIf(e);
      case binaryen.CallId:
      case binaryen.CallIndirectId:
        return this.visitCall(e, id, access);
      case binaryen.ReturnId:
        return this.visitReturn(e);
      case binaryen.MemoryGrowId:
        return this.visitMemoryGrow(e, access);
      case binaryen.MemoryFillId:
      case binaryen.MemoryCopyId:
      case binaryen.MemoryInitId:
        return this.visitBulk(e, access);
      case binaryen.StoreId:
        this.visitChildren(e, access);
        this.canonicalizeStore(e);
        return e;
      case binaryen.UnaryId:
        this.visitChildren(e, access);
        if (REINTERPRET_FLOAT_OPS.has(B.Unary.getOp(e))) B.Unary.setValue(e, this.canonicalize(B.Unary.getValue(e)));
        return e;
      case binaryen.BinaryId:
        this.visitChildren(e, access);
        // copysign reads the sign bit of its second operand, which for a NaN is platform-chosen.
        if (COPYSIGN_OPS.has(B.Binary.getOp(e))) B.Binary.setRight(e, this.canonicalize(B.Binary.getRight(e)));
        return e;
      default:
        this.visitChildren(e, access);
        return e;
    }
  }

  private visitChildren(e: Ref, access: ChildAccess): void {
    const kids = access.get(e);
    for (let i = 0; i < kids.length; i++) {
      const kid = kids[i];
      if (!kid) continue;
      const replaced = this.visit(kid);
      if (replaced !== kid) access.set(e, i, replaced);
    }
  }

  private visitLoop(e: Ref): Ref {
    const saved = this.region;
    this.region = 0;
    const body = this.visit(B.Loop.getBody(e));
    const cost = this.region;
    this.region = saved;
    B.Loop.setBody(e, this.m.block(null, [this.charge(cost), body], binaryen.auto));
    return e;
  }

  private visitIf(e: Ref): Ref {
    const cond = B.If.getCondition(e);
    const newCond = this.visit(cond);
    if (newCond !== cond) B.If.setCondition(e, newCond);
    const ifTrue = B.If.getIfTrue(e);
    const newTrue = this.visitArm(ifTrue);
    if (newTrue !== ifTrue) B.If.setIfTrue(e, newTrue);
    const ifFalse = B.If.getIfFalse(e);
    if (ifFalse) {
      const newFalse = this.visitArm(ifFalse);
      if (newFalse !== ifFalse) B.If.setIfFalse(e, newFalse);
    }
    return e;
  }

  private visitArm(arm: Ref): Ref {
    const saved = this.region;
    this.region = 0;
    const visited = this.visit(arm);
    const cost = this.region;
    this.region = saved;
    if (cost < IF_ARM_CHARGE_MIN_COST) {
      this.region += cost;
      return visited;
    }
    return this.m.block(null, [this.charge(cost), visited], binaryen.auto);
  }

  private visitCall(e: Ref, id: number, access: ChildAccess): Ref {
    const chargesBefore = this.charges;
    this.visitChildren(e, access);
    let needsSync = true;
    if (id === binaryen.CallId) {
      const target = B.Call.getTarget(e);
      const prepaid = this.ctx.prepaid.get(target);
      if (prepaid !== undefined) {
        this.region += prepaid.entryCost;
        needsSync = prepaid.touchesFuel;
      } else if (!this.ctx.defined.has(target)) {
        this.callsHost = true;
      }
    }
    if (!this.cached || !needsSync) return e; // __rf_fuel is always current in uncached functions
    const { m } = this;
    const type = binaryen.getExpressionType(e);
    if (type === binaryen.unreachable) return e; // an operand never completes: the call never happens
    const before: Ref[] = [];
    if (this.charges === chargesBefore) {
      before.push(this.storeFuel());
    } else {
      // An operand charges fuel itself, so write back only after the last operand has run.
      const kids = access.get(e);
      const last = kids.length - 1;
      const lastType = binaryen.getExpressionType(kids[last]);
      const tmp = this.temp(lastType);
      access.set(e, last, m.block(null, [m.local.set(tmp, kids[last]), this.storeFuel(), m.local.get(tmp, lastType)], lastType));
    }
    const reload = m.local.set(this.fuelLocal, m.global.get(this.names.fuel, binaryen.i32));
    if (type === binaryen.none) return m.block(null, [...before, e, reload], binaryen.none);
    const tmp = this.temp(type);
    return m.block(null, [...before, m.local.set(tmp, e), reload, m.local.get(tmp, type)], type);
  }

  private visitReturn(e: Ref): Ref {
    const value = B.Return.getValue(e);
    const newValue = value ? this.visit(value) : 0;
    if (!this.hasEpilogue) {
      if (newValue !== value) B.Return.setValue(e, newValue);
      return e;
    }
    this.hasReturn = true;
    return this.m.br(this.retLabel, undefined, newValue || undefined);
  }

  /** memory.grow returning -1 (the cap) sets __rf_grow_denied, so a later trap reads as memory_limit. */
  private visitMemoryGrow(e: Ref, access: ChildAccess): Ref {
    this.visitChildren(e, access);
    if (binaryen.getExpressionType(e) === binaryen.unreachable) return e;
    const { m } = this;
    const i32 = binaryen.i32;
    const tmp = this.temp(i32);
    return m.block(null, [
      m.local.set(tmp, e),
      m.if(m.i32.eq(m.local.get(tmp, i32), m.i32.const(-1)), m.global.set(this.names.growDenied, m.i32.const(1))),
      m.local.get(tmp, i32),
    ], i32);
  }

  /**
   * memory.fill/copy/init pay by size. The charge sits inside the size
   * operand, after it is evaluated: dest and value/source are already
   * evaluated by then (wasm order), so guest-visible order is unchanged and
   * the charge happens immediately before the bulk operation. A constant
   * size is charged statically with the enclosing region.
   */
  private visitBulk(e: Ref, access: ChildAccess): Ref {
    this.visitChildren(e, access);
    const SIZE = 2;
    const size = access.get(e)[SIZE];
    if (binaryen.getExpressionId(size) === binaryen.ConstId) {
      this.region += bulkFuel(B.Const.getValueI32(size));
      return e;
    }
    if (binaryen.getExpressionType(size) === binaryen.unreachable) return e;
    const { m } = this;
    const i32 = binaryen.i32;
    const tmp = this.temp(i32);
    // ceil(n / 64) without overflow for n up to 2^32 - 1: (n >>> 6) + ((n & 63) != 0)
    const amount = () => m.i32.add(
      m.i32.shr_u(m.local.get(tmp, i32), m.i32.const(BULK_BYTES_PER_FUEL_LOG2)),
      m.i32.ne(m.i32.and(m.local.get(tmp, i32), m.i32.const((1 << BULK_BYTES_PER_FUEL_LOG2) - 1)), m.i32.const(0)),
    );
    access.set(e, SIZE, m.block(null, [m.local.set(tmp, size), this.chargeBy(amount), m.local.get(tmp, i32)], i32));
    return e;
  }

  private canonicalizeStore(e: Ref): void {
    const type = B.Store.getValueType(e);
    if (type !== binaryen.f32 && type !== binaryen.f64) return;
    const value = B.Store.getValue(e);
    const replaced = this.canonicalize(value);
    if (replaced !== value) B.Store.setValue(e, replaced);
  }

  /** `v` with any NaN replaced by the canonical quiet NaN: select(t = v, NaN, t == t). */
  private canonicalize(value: Ref): Ref {
    const type = binaryen.getExpressionType(value);
    if ((type !== binaryen.f32 && type !== binaryen.f64) || nanBitsDeterministic(value)) return value;
    const { m } = this;
    const tmp = this.temp(type);
    const isF32 = type === binaryen.f32;
    const nan = isF32 ? m.f32.const_bits(CANONICAL_NAN_F32_BITS) : m.f64.const_bits(CANONICAL_NAN_F64_BITS);
    const same = isF32
      ? m.f32.eq(m.local.get(tmp, type), m.local.get(tmp, type))
      : m.f64.eq(m.local.get(tmp, type), m.local.get(tmp, type));
    return m.select(same, m.local.tee(tmp, value, type), nan);
  }
}

/**
 * Values whose bits are already fixed by the module and its inputs: constants,
 * loads (bit-exact by the wasm spec), ints converted to float (never NaN),
 * and reinterpreted ints. Only arithmetic can produce platform-chosen NaNs.
 */
function nanBitsDeterministic(value: Ref): boolean {
  const id = binaryen.getExpressionId(value);
  if (id === binaryen.ConstId || id === binaryen.LoadId) return true;
  return id === binaryen.UnaryId && NAN_FREE_UNARY_OPS.has(B.Unary.getOp(value));
}
