/**
 * Rewrites one function body: fuel charge points, stack units, fuel
 * hand-over at calls, bulk-memory charges, memory.grow denial flag and NaN
 * canonicalization. instrument.ts decides the plan for each function;
 * docs/metering.md explains the design.
 *
 * Two conventions (instrument.ts picks one per function):
 *
 * Register (every function that is not prepaid): fuel, and the stack depth
 * where it matters, travel in registers instead of globals. The function is
 * re-emitted under a new name as
 *     $f$rf(params..., fuel: i32 [, depth: i32]) -> (results..., fuel: i32)
 *   prologue    fuel -= entryCost; [depth += units]
 *               if ((fuel | (limit - depth)) < 0) entry_fault(fuel, entryCost)
 *   loop        `loop $l body` → `loop $l (charge(bodyCost); body)`
 *   counted loop (countedLoop.ts) → `charge(iterations × bodyCost); loop $l body`
 *   big if arm  `arm` → `(charge(armCost); arm)` (small arms are prepaid)
 *   bulk memory size operand → `(t = size; charge(ceil(t / 64)); t)`
 *   return      → `return (value, fuel)`
 *   call $g     → `call $g$rf(args, fuel [, depth])`, fuel = its last result
 *   host call, call_indirect, call of a prepaid helper that touches fuel:
 *               __rf_fuel = fuel [; __rf_depth = depth] before, fuel = __rf_fuel after
 * Measured (V8 11.3, TurboFan): naive recursive fib ran 1.32x plain with the
 * fuel and depth globals loaded and stored at every call (a store-to-load
 * chain through memory across every call), 0.91-0.98x with both in
 * registers (either one alone: 1.21-1.32x). There is no depth epilogue: the caller's depth is still in its
 * own local when the callee returns.
 *
 * Prepaid (small helpers that call no guest function, see instrument.ts):
 * no entry charge and the original signature; they read __rf_fuel directly,
 * or cache it in a local when they have a loop (loaded at entry, written back
 * before host calls, at every exit and in every fault path).
 */
import { B, binaryen } from "./binaryenApi.ts";
import { childAccess } from "./expressionChildren.ts";
import {
  BULK_BYTES_PER_FUEL_LOG2, IF_ARM_CHARGE_MIN_COST, METER_OPERAND_HEIGHT, MIN_CHARGE, bulkFuel, expressionCost, frameStackUnits,
} from "./costModel.ts";
import { matchCountedLoop, type CountedLoop } from "./countedLoop.ts";
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
  /**
   * Its entry cost is charged by every (direct) caller as part of the
   * caller's own region, so it has no entry charge at all. Only for
   * functions that call no guest function and that nothing but direct calls
   * can reach (not exported, not in a table, not the start function).
   * Prepaid functions keep their signature; all others use the register
   * convention (see the top of this file).
   */
  readonly prepaid: boolean;
  /** Adds its frame's stack units to the depth and checks the limit (it is recursive, or every function counts). */
  readonly countsDepth: boolean;
  /** Register convention: takes the depth as its last parameter (it counts, or calls something that does). */
  readonly carriesDepth: boolean;
  /** Register convention: the name the rewritten function gets (the original name is left for an entry wrapper). */
  readonly innerName: string;
}

/** A register-convention function as its callers see it. */
export interface RegisterCallee {
  readonly innerName: string;
  readonly carriesDepth: boolean;
  /** The original result type (the rewritten function returns these plus the fuel). */
  readonly results: number;
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
  /** Every register-convention function, by original name. */
  readonly registers: ReadonlyMap<string, RegisterCallee>;
  /** Names of the module's immutable globals (a counted loop's bound may read one). */
  readonly immutableGlobals: ReadonlySet<string>;
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

const LOCAL_GET_ID = binaryen.LocalGetId;
const CONST_ID = binaryen.ConstId;
const GLOBAL_GET_ID = binaryen.GlobalGetId;
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

/** Result type of a register-convention function: the original results, then the fuel. */
export function withFuelResult(results: number): number {
  return results === binaryen.none ? binaryen.i32 : binaryen.createType([...binaryen.expandType(results), binaryen.i32]);
}

export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}_${i}`)) return `${base}_${i}`;
}

export class FunctionRewriter {
  private readonly m: Module;
  private readonly names: MeterNames;
  /** Register convention (fuel and depth in parameters, fuel returned); otherwise prepaid. */
  private readonly register: boolean;
  /** Fuel lives in local `fuelLocal` between syncs (register functions, prepaid ones with loops). */
  private readonly cached: boolean;
  /** A prepaid function's epilogue (write back the cached fuel) runs on every normal exit, so `return` must branch to it. */
  private readonly hasEpilogue: boolean;
  private readonly numParams: number;
  private readonly numVars: number;
  /** Parameters the register convention adds after the original ones: original locals at or above numParams move up by this. */
  private readonly shift: number;
  /** Register convention: scratch locals the rewrite adds (the function is re-created with them). */
  private readonly extraVars: number[] = [];
  private fuelLocal = -1;
  private depthLocal = -1;
  private readonly temps = new Map<number, number>();
  /** Static cost accumulated for the region being visited (up to the next charge point). */
  private region = 0;
  /** Charge points emitted so far. */
  private charges = 0;
  /** Writes of the fuel local so far (charges, and reloads after calls); a call compares it around its operands. */
  private fuelWrites = 0;
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
    this.register = !plan.prepaid;
    this.cached = this.register || facts.hasLoop;
    this.hasEpilogue = !this.register && this.cached;
    this.numParams = binaryen.expandType(B.Function.getParams(func)).length;
    this.numVars = B.Function.getNumVars(func);
    this.shift = this.register ? (plan.carriesDepth ? 2 : 1) : 0;
    this.retLabel = uniqueName("__rf_ret", (n) => facts.labels.has(n));
    if (plan.prepaid && (plan.countsDepth || plan.carriesDepth)) throw new Error("a prepaid function never counts stack units");
    if (plan.countsDepth && !plan.carriesDepth) throw new Error("a function that counts stack units carries the depth");
    if (this.register) {
      this.fuelLocal = this.numParams;
      if (plan.carriesDepth) this.depthLocal = this.numParams + 1;
    }
  }

  rewrite(): RewriteResult {
    const { func } = this;
    const body = B.Function.getBody(func);
    if (!this.register) this.fuelLocal = this.addLocal(binaryen.i32);
    const newBody = this.visit(body);
    const entryCost = this.clampCharge(this.region);
    const results = B.Function.getResults(func);
    return this.register ? this.finishRegister(newBody, entryCost, results) : this.finishPrepaid(newBody, entryCost, results);
  }

  private addLocal(type: number): number {
    if (!this.register) return B._BinaryenFunctionAddVar(this.func, type);
    this.extraVars.push(type);
    return this.numParams + this.shift + this.numVars + this.extraVars.length - 1;
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

  /** Stack units of the frame as rewritten: every local (scratch ones too), the operand stack, the rewrite's own. */
  private frameUnits(localTypes: readonly number[]): number {
    let slots = this.facts.operandHeight + METER_OPERAND_HEIGHT;
    for (const t of localTypes) slots += binaryen.expandType(t).length;
    return frameStackUnits(slots);
  }

  /**
   * Register convention: prologue + body, returning (results..., fuel), as a
   * new function under plan.innerName. The depth limit (budget minus the
   * reserve for non-recursive frames) needs every function's frame size, so
   * it is a placeholder const here, returned for instrument.ts to fill in.
   */
  private finishRegister(body: Ref, entryCost: number, results: number): RewriteResult {
    const { m, func } = this;
    const i32 = binaryen.i32;
    const f = this.fuelLocal;
    // The fall-through value's temp must exist before the frame is measured.
    const value = this.withFuel(body, results);
    const params = [...binaryen.expandType(B.Function.getParams(func)), i32];
    if (this.plan.carriesDepth) params.push(i32);
    const vars: number[] = [];
    for (let i = 0; i < this.numVars; i++) vars.push(B.Function.getVar(func, i));
    vars.push(...this.extraVars);
    const innerResults = withFuelResult(results);
    // Results count too: past the return registers V8 passes them in stack slots.
    const units = this.frameUnits([...params, ...vars, innerResults]);

    const fuelAfter = m.local.tee(f, m.i32.sub(m.local.get(f, i32), m.i32.const(entryCost)), i32);
    let overLimit = fuelAfter;
    let limitConst = 0;
    if (this.plan.countsDepth) {
      // One branch for both limits: (f | (limit - d)) < 0 iff f < 0 or d > limit.
      limitConst = m.i32.const(0);
      const depthAfter = m.local.tee(this.depthLocal, m.i32.add(m.local.get(this.depthLocal, i32), m.i32.const(units)), i32);
      overLimit = m.i32.or(fuelAfter, m.i32.sub(limitConst, depthAfter));
    }
    const wrapped = m.block(null, [
      // The fault path calls a shared trapping helper (see instrument.ts addEntryFault for why).
      m.if(m.i32.lt_s(overLimit, m.i32.const(0)), m.call(this.names.entryFault, [m.local.get(f, i32), m.i32.const(entryCost)], binaryen.none)),
      value,
    ], innerResults);
    m.addFunction(this.plan.innerName, binaryen.createType(params), innerResults, vars, wrapped);
    return { entryCost, units, touchesFuel: true, limitConst };
  }

  /** Prepaid: [cache the fuel] body [write it back]; the function keeps its name and signature. */
  private finishPrepaid(body: Ref, entryCost: number, results: number): RewriteResult {
    const { m, func } = this;
    const i32 = binaryen.i32;
    // The epilogue's result temp must exist before the frame is measured.
    const resultTemp = this.hasEpilogue && results !== binaryen.none ? this.temp(results) : -1;
    const locals = [B.Function.getParams(func)];
    const numVars = B.Function.getNumVars(func);
    for (let i = 0; i < numVars; i++) locals.push(B.Function.getVar(func, i));
    const units = this.frameUnits(locals);
    let newBody: Ref;
    if (!this.hasEpilogue) {
      newBody = body;
    } else {
      const core = this.hasReturn ? m.block(this.retLabel, [body], results) : body;
      const load = m.local.set(this.fuelLocal, m.global.get(this.names.fuel, i32));
      newBody = results === binaryen.none
        ? m.block(null, [load, core, this.storeFuel()], results)
        : m.block(null, [load, m.local.set(resultTemp, core), this.storeFuel(), m.local.get(resultTemp, results)], results);
    }
    B.Function.setBody(func, newBody);
    return { entryCost, units, touchesFuel: this.cached || this.charges > 0 || this.callsHost, limitConst: 0 };
  }

  /** Register convention: `value` (of type `results`) followed by the fuel local, as one (results..., fuel) value. */
  private withFuel(value: Ref, results: number): Ref {
    const { m } = this;
    const i32 = binaryen.i32;
    const fuel = m.local.get(this.fuelLocal, i32);
    if (results === binaryen.none) return value ? m.block(null, [value, fuel], i32) : fuel;
    const arity = binaryen.expandType(results).length;
    if (arity === 1) return m.tuple.make([value, fuel]);
    const tmp = this.temp(results);
    const parts: Ref[] = [];
    for (let i = 0; i < arity; i++) parts.push(m.tuple.extract(m.local.get(tmp, results), i));
    return m.block(null, [m.local.set(tmp, value), m.tuple.make([...parts, fuel])], withFuelResult(results));
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
    this.fuelWrites++;
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

  /** Recursive: JS stack depth follows expression nesting. The hot loop of admission: ~50,000 nodes per 100 KB. */
  private visit(e: Ref): Ref {
    const id = binaryen.getExpressionId(e);
    // Leaves first, without the child-table lookup (about half of all nodes).
    if (id === LOCAL_GET_ID) {
      this.region += 1;
      // Only declared locals move (they follow the parameters the register convention adds).
      if (this.shift !== 0 && this.numVars !== 0) {
        const index = B.LocalGet.getIndex(e);
        if (index >= this.numParams) B.LocalGet.setIndex(e, index + this.shift);
      }
      return e;
    }
    if (id === CONST_ID || id === GLOBAL_GET_ID) {
      this.region += 1;
      return e;
    }
    const access = childAccess(id)!; // scanFunction refused unsupported kinds
    this.region += expressionCost(id);
    switch (id) {
      case binaryen.LocalSetId:
        this.visitChildren(e, access);
        if (this.shift !== 0 && this.numVars !== 0) {
          const index = B.LocalSet.getIndex(e);
          if (index >= this.numParams) B.LocalSet.setIndex(e, index + this.shift);
        }
        return e;
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
    // Matched before the body is rewritten (the rewrite adds its own locals and blocks).
    const counted = matchCountedLoop(e, this.ctx.immutableGlobals);
    // The bound is part of the body, whose local.gets the visit renumbers in place: read it now.
    const bound = counted === null ? null : this.boundReader(counted.bound);
    const saved = this.region;
    this.region = 0;
    const body = this.visit(B.Loop.getBody(e));
    const cost = this.clampCharge(this.region);
    this.region = saved;
    if (counted !== null) {
      B.Loop.setBody(e, body);
      return this.m.block(null, [...this.chargeIterations(counted, bound!, cost), e], binaryen.none);
    }
    B.Loop.setBody(e, this.m.block(null, [this.charge(cost), body], binaryen.auto));
    return e;
  }

  /**
   * A maker of copies of a counted loop's bound (local.get, global.get or
   * i32.const), the local numbered as after the rewrite. Must run before the
   * loop body is visited: a bound read after the visit had its local shifted
   * twice, so a bound in a declared local read another local (a loop of
   * 300 M iterations was charged as one).
   */
  private boundReader(b: Ref): () => Ref {
    const { m } = this;
    const i32 = binaryen.i32;
    const id = binaryen.getExpressionId(b);
    if (id === binaryen.LocalGetId) {
      const index = B.LocalGet.getIndex(b);
      const shifted = index >= this.numParams ? index + this.shift : index;
      return () => m.local.get(shifted, i32);
    }
    if (id === binaryen.GlobalGetId) {
      const name = B.GlobalGet.getName(b);
      return () => m.global.get(name, i32);
    }
    const value = B.Const.getValueI32(b);
    return () => m.i32.const(value);
  }

  /**
   * A counted loop (countedLoop.ts) pays for all its iterations at its entry:
   *   v = $i + 1;  T = 1 + (CMP(v, bound) ? bound - v : 0)        (1 <= T <= 2^32)
   *   left = i64(f) - T * cost;  if (left < 0) { __rf_fuel = f; __rf_fault = 1; trap }  f = left
   * (T * cost < 2^63: no overflow.) The loop then runs with no charge of its
   * own; it cannot branch back or out other than through its own test, so it
   * runs exactly T iterations unless it traps.
   */
  private chargeIterations(counted: CountedLoop, bound: () => Ref, cost: number): Ref[] {
    const { m, names } = this;
    const { i32, i64 } = binaryen;
    const f = this.fuelLocal;
    this.charges++;
    this.fuelWrites++;
    const local = (index: number) => (index >= this.numParams ? index + this.shift : index);
    const next = this.temp(i32);
    const left = this.temp(i64);
    const compare = counted.op === binaryen.NeInt32 ? m.i32.ne : counted.op === binaryen.LtUInt32 ? m.i32.lt_u : m.i32.lt_s;
    // binaryen.js: select(condition, ifTrue, ifFalse); wasm evaluates ifTrue, ifFalse, then the condition.
    const remaining = m.select(
      compare(m.local.get(next, i32), bound()),
      m.i32.sub(bound(), m.local.tee(next, m.i32.add(m.local.get(local(counted.counter), i32), m.i32.const(1)), i32)),
      m.i32.const(0),
    );
    const iterations = m.i64.add(m.i64.extend_u(remaining), m.i64.const(1n));
    const total = m.i64.mul(iterations, m.i64.const(BigInt(cost)));
    return [
      m.if(
        m.i64.lt_s(m.local.tee(left, m.i64.sub(m.i64.extend_u(m.local.get(f, i32)), total), i64), m.i64.const(0n)),
        m.block(null, [
          m.global.set(names.fuel, m.local.get(f, i32)),
          m.global.set(names.fault, m.i32.const(MeterFault.OutOfFuel)),
          m.unreachable(),
        ]),
      ),
      m.local.set(f, m.i32.wrap(m.local.get(left, i64))),
    ];
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
    const writesBefore = this.fuelWrites;
    this.visitChildren(e, access);
    if (id === binaryen.CallIndirectId) return this.syncAround(e, access, writesBefore, this.plan.carriesDepth);
    const target = B.Call.getTarget(e);
    const callee = this.ctx.registers.get(target);
    if (callee !== undefined) return this.callRegister(e, callee);
    const prepaid = this.ctx.prepaid.get(target);
    if (prepaid !== undefined) {
      this.region += prepaid.entryCost;
      return prepaid.touchesFuel ? this.syncAround(e, access, writesBefore, false) : e;
    }
    if (this.ctx.defined.has(target)) throw new Error(`call to '${target}', planned neither prepaid nor register`);
    this.callsHost = true;
    return this.syncAround(e, access, writesBefore, false);
  }

  /**
   * A call to a register-convention function: the same operands plus fuel
   * [and depth] (evaluated last, so after any charge in the operands), to
   * the rewritten function; its last result is the fuel left.
   */
  private callRegister(e: Ref, callee: RegisterCallee): Ref {
    const { m } = this;
    const i32 = binaryen.i32;
    if (!this.register) throw new Error("a prepaid function calls no guest function");
    if (callee.carriesDepth && !this.plan.carriesDepth) throw new Error(`'${callee.innerName}' needs the depth its caller does not carry`);
    const operands = B.Call.getOperands(e);
    operands.push(m.local.get(this.fuelLocal, i32));
    if (callee.carriesDepth) operands.push(m.local.get(this.depthLocal, i32));
    const innerResults = withFuelResult(callee.results);
    const call = m.call(callee.innerName, operands, innerResults);
    this.fuelWrites++;
    // An operand never completes: the call never happens (and the call node is already unreachable-typed).
    if (binaryen.getExpressionType(call) === binaryen.unreachable) return call;
    if (callee.results === binaryen.none) return m.local.set(this.fuelLocal, call);
    const tmp = this.temp(innerResults);
    const arity = binaryen.expandType(callee.results).length;
    const part = (i: number) => m.tuple.extract(m.local.get(tmp, innerResults), i);
    const parts: Ref[] = [];
    for (let i = 0; i < arity; i++) parts.push(part(i));
    return m.block(null, [
      m.local.set(tmp, call),
      m.local.set(this.fuelLocal, part(arity)),
      arity === 1 ? parts[0] : m.tuple.make(parts),
    ], callee.results);
  }

  /**
   * A call that reads or charges __rf_fuel (host import, call_indirect into
   * an entry wrapper, a prepaid helper that touches fuel): write the cached
   * fuel [and the depth] back right before it, reload the fuel right after.
   */
  private syncAround(e: Ref, access: ChildAccess, writesBefore: number, withDepth: boolean): Ref {
    if (!this.cached) return e; // __rf_fuel is always current in uncached functions
    const { m } = this;
    const i32 = binaryen.i32;
    const type = binaryen.getExpressionType(e);
    if (type === binaryen.unreachable) return e; // an operand never completes: the call never happens
    const stores = [this.storeFuel()];
    if (withDepth) stores.push(m.global.set(this.names.depth, m.local.get(this.depthLocal, i32)));
    const before: Ref[] = [];
    if (this.fuelWrites === writesBefore) {
      before.push(...stores);
    } else {
      // An operand changes the fuel itself, so write back only after the last operand has run.
      const kids = access.get(e);
      const last = kids.length - 1;
      const lastType = binaryen.getExpressionType(kids[last]);
      const tmp = this.temp(lastType);
      access.set(e, last, m.block(null, [m.local.set(tmp, kids[last]), ...stores, m.local.get(tmp, lastType)], lastType));
    }
    this.fuelWrites++;
    const reload = m.local.set(this.fuelLocal, m.global.get(this.names.fuel, i32));
    if (type === binaryen.none) return m.block(null, [...before, e, reload], binaryen.none);
    const tmp = this.temp(type);
    return m.block(null, [...before, m.local.set(tmp, e), reload, m.local.get(tmp, type)], type);
  }

  private visitReturn(e: Ref): Ref {
    const value = B.Return.getValue(e);
    const newValue = value ? this.visit(value) : 0;
    if (this.register) return this.m.return(this.withFuel(newValue, B.Function.getResults(this.func)));
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
