/**
 * The metering rewrite: takes an admitted module and returns one whose every
 * function charges fuel, counts stack units where it can recurse, caps memory
 * and canonicalizes NaNs, so untrusted code stops deterministically (same
 * module + same inputs → same fault at the same charge point with the same
 * fuel left, on the main thread or in a worker, in Liftoff or TurboFan). The
 * globals and helper exports it adds are the contract in meterAbi.ts; the
 * cost numbers are in costModel.ts; one function's rewrite is
 * functionRewriter.ts; docs/metering.md walks through the whole design.
 *
 * Module-level plan:
 *   - Calling convention. Every function except the prepaid ones (below)
 *     is re-emitted as `$f$rf(params..., fuel [, depth]) -> (results...,
 *     fuel)`: fuel and depth travel in registers, never through memory, at
 *     direct calls (functionRewriter.ts). Entry points (exports, table
 *     elements, the start function) keep their name and signature as a thin
 *     wrapper that loads the globals, calls $f$rf and stores the fuel back
 *     (entryWrapper.ts); direct calls skip it, call_indirect goes through it.
 *   - Stack units. A function on a call-graph cycle can appear on the stack
 *     any number of times: it adds its frame's units to the depth and checks
 *     it against the limit. Any other function appears at most once on any
 *     stack, so all of them together weigh at most the heaviest acyclic call
 *     path (callGraph.ts): they skip the count, and the cycle members check
 *     against `stackBudget - reserve` instead. Same guarantee (frames on the
 *     stack ≤ stackBudget units). Functions that can reach a counting one
 *     pass the depth on ("carry" it); the rest do not take it at all. The
 *     graph includes the wrappers (recursion through call_indirect passes
 *     through them).
 *   - If that reserve would take more than half the budget, the module is
 *     rewritten again with every function and wrapper counting.
 *   - A function that calls no guest function and is reachable only by
 *     direct calls (not exported, not in a table, not the start function) is
 *     "prepaid": its callers add its entry cost to their own charge, so it
 *     has no prologue at all, and it keeps its signature. Small helpers then
 *     cost nothing extra.
 *
 * Allocates freely: this runs once per module, at admission time.
 */
import { B, binaryen, quietly } from "./binaryenApi.ts";
import { analyzeCallGraph, reachesMarked } from "./callGraph.ts";
import { withoutCustomSections } from "./customSections.ts";
import { addEntryWrapper, entryWrapperUnits } from "./entryWrapper.ts";
import { scanFunction, type FunctionFacts } from "./functionScan.ts";
import {
  FunctionRewriter, uniqueName, type FunctionPlan, type MeterNames, type PrepaidCallee, type RegisterCallee, type RewriteResult,
} from "./functionRewriter.ts";
import { capMemoryMaximum, MemoryCapError, WASM32_MAX_PAGES } from "./memoryCap.ts";
import {
  DEFAULT_METER_OPTIONS, MAX_STACK_BUDGET, METER_ENTRY_EXPORTS, METER_EXPORT, METER_GLOBAL, METER_INIT_EXPORT, MeterFault, type MeterOptions,
} from "./meterAbi.ts";
import { MeteringError } from "./meteringError.ts";
import { errorLine } from "../text/printable.ts";
import { checkMeteringWork } from "./meteringWork.ts";

export { MeteringError } from "./meteringError.ts";
export { CANONICAL_NAN_F32_BITS, CANONICAL_NAN_F64_BITS } from "./functionRewriter.ts";

type Ref = number;
type Module = binaryen.Module;

/**
 * The admission feature allowlist. The rewrite reads and writes modules with
 * exactly these, so anything outside them fails to parse or validate.
 * (binaryen splits bulk memory in two and asserts that BulkMemory implies
 * BulkMemoryOpt, the memory.copy/fill half.)
 */
export const METERED_FEATURES: number =
  binaryen.Features.MVP |
  binaryen.Features.MutableGlobals |
  binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.Multivalue;

/** The non-recursive reserve may take at most this share of the stack budget. */
const MAX_RESERVE_SHARE = 0.5;

function resolveOptions(options: Partial<MeterOptions>): MeterOptions {
  const stackBudget = options.stackBudget ?? DEFAULT_METER_OPTIONS.stackBudget;
  const maxMemoryPages = options.maxMemoryPages ?? DEFAULT_METER_OPTIONS.maxMemoryPages;
  if (!Number.isSafeInteger(stackBudget) || stackBudget < 1 || stackBudget > MAX_STACK_BUDGET) {
    throw new RangeError(`stackBudget=${stackBudget}: must be an integer in 1..${MAX_STACK_BUDGET}`);
  }
  if (!Number.isSafeInteger(maxMemoryPages) || maxMemoryPages < 0 || maxMemoryPages > WASM32_MAX_PAGES) {
    throw new RangeError(`maxMemoryPages=${maxMemoryPages}: must be an integer in 0..${WASM32_MAX_PAGES}`);
  }
  return { stackBudget, maxMemoryPages };
}

/**
 * Rewrites already-admitted module bytes into the metered module. Same input
 * and options → same output bytes. Throws MeteringError (one-line message)
 * when the module needs more than MAX_METERING_WORK (meteringWork.ts) or
 * binaryen cannot read, rewrite or validate it; throws RangeError for bad
 * options.
 */
export function instrumentModule(bytes: Uint8Array, options: Partial<MeterOptions> = {}): Uint8Array {
  const opts = resolveOptions(options);
  return quietly(() => {
    try {
      // Before binaryen reads anything: reading is already part of the cost (meteringWork.ts).
      checkMeteringWork(bytes);
      const emitted = rewriteModule(bytes, opts, "elide") ?? rewriteModule(bytes, opts, "countAll")!;
      return capMemoryMaximum(emitted, opts.maxMemoryPages);
    } catch (e) {
      if (e instanceof MeteringError) throw e;
      if (e instanceof MemoryCapError) throw new MeteringError(e.message);
      // Deeply nested expressions can exhaust the JS stack of the recursive rewrite.
      if (e instanceof RangeError) throw new MeteringError("expressions nested too deeply to meter");
      throw new MeteringError(`cannot meter module: ${errorLine(e)}`);
    }
  });
}

/**
 * "elide": only recursive functions count stack units (see the top of this
 * file); returns null when the non-recursive reserve is over its share, so
 * the caller retries with "countAll".
 */
function rewriteModule(bytes: Uint8Array, opts: MeterOptions, depthMode: "elide" | "countAll"): Uint8Array | null {
  let module: Module;
  try {
    module = binaryen.readBinaryWithFeatures(withoutCustomSections(bytes), METERED_FEATURES);
  } catch (e) {
    throw new MeteringError(`cannot read module: ${errorLine(e)}`);
  }
  try {
    return rewriteLoaded(module, opts, depthMode);
  } finally {
    module.dispose();
  }
}

interface DefinedFunction {
  readonly name: string;
  readonly ref: Ref;
  readonly facts: FunctionFacts;
  readonly params: number;
  readonly results: number;
}

function rewriteLoaded(module: Module, opts: MeterOptions, depthMode: "elide" | "countAll"): Uint8Array | null {
  const globalTaken = (n: string) => module.getGlobal(n) !== 0;
  const addedFunctions = new Set<string>();
  const funcTaken = (n: string) => module.getFunction(n) !== 0 || addedFunctions.has(n);
  const names: MeterNames = {
    fuel: uniqueName(METER_GLOBAL.fuel, globalTaken),
    depth: uniqueName(METER_GLOBAL.depth, globalTaken),
    fault: uniqueName(METER_GLOBAL.fault, globalTaken),
    growDenied: uniqueName(METER_GLOBAL.growDenied, globalTaken),
    entryFault: uniqueName("__rf_entry_fault", funcTaken),
  };
  addedFunctions.add(names.entryFault);
  // uniqueName checks each name alone; the four globals share a prefix, so make sure they differ.
  if (new Set([names.fuel, names.depth, names.fault, names.growDenied]).size !== 4) {
    throw new MeteringError("cannot choose unique names for the meter globals");
  }

  // Facts about every defined function, in module order (scanning refuses unsupported code up front).
  const functions: DefinedFunction[] = [];
  const count = module.getNumFunctions();
  for (let i = 0; i < count; i++) {
    const ref = module.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(ref);
    if (info.module) continue; // an import: the host meters it
    functions.push({ name: info.name, ref, facts: scanFunction(info.body), params: info.params, results: info.results });
  }
  const n = functions.length;
  const indexOf = new Map(functions.map((f, i) => [f.name, i]));
  const tableMembers = tableFunctionIndices(module, indexOf);
  const startName = module.getStart() ? B.Function.getName(module.getStart()) : null;
  // Reachable other than by a direct call: these keep an entry wrapper under their name.
  const entryPoints = entryPointNames(module);
  for (const i of tableMembers) entryPoints.add(functions[i].name);

  const direct = functions.map((f) => f.facts.directCallees.map((c) => indexOf.get(c)).filter((i): i is number => i !== undefined));
  const prepaid = functions.map((f, i) =>
    depthMode === "elide" && direct[i].length === 0 && !f.facts.hasIndirectCall && !entryPoints.has(f.name));

  // The call graph as rewritten: nodes 0..n-1 are the functions, then one
  // node per entry wrapper, then one node for the table. A direct call goes
  // straight to the rewritten function; call_indirect goes to the table node,
  // which calls the wrappers of the table members. (An edge from every
  // call_indirect caller to every member instead made 10,000 callers of a
  // 4096-entry table 40 M edges: 5 s and 1.4 GB for a 97 KB module.)
  const wrapperOf = new Map<number, number>();
  const wrapped: number[] = [];
  functions.forEach((f, i) => {
    if (!entryPoints.has(f.name)) return;
    wrapperOf.set(i, n + wrapped.length);
    wrapped.push(i);
  });
  const tableNode = n + wrapped.length;
  const edges: number[][] = functions.map((f, i) => (f.facts.hasIndirectCall ? [...direct[i], tableNode] : direct[i]));
  for (const i of wrapped) edges.push([i]);
  edges.push(tableMembers.map((i) => wrapperOf.get(i)!));
  // Recursion is a property of the graph alone; weights come after the rewrite.
  const { recursive } = analyzeCallGraph(edges, edges.map(() => 0));
  // The table node is no frame: it never counts (callers still carry the depth through it).
  const counts = edges.map((_, v) => v !== tableNode && (depthMode === "countAll" || recursive[v]));
  const carries = reachesMarked(edges, counts);

  const registers = new Map<string, RegisterCallee>();
  const plans: FunctionPlan[] = functions.map((f, i) => {
    if (prepaid[i]) return { prepaid: true, countsDepth: false, carriesDepth: false, innerName: "" };
    const innerName = uniqueName(`${f.name}$rf`, funcTaken);
    addedFunctions.add(innerName);
    registers.set(f.name, { innerName, carriesDepth: carries[i], results: f.results });
    return { prepaid: false, countsDepth: counts[i], carriesDepth: carries[i], innerName };
  });

  // Prepaid functions first: their callers need their entry costs.
  const prepaidCallees = new Map<string, PrepaidCallee>();
  const ctx = { module, names, prepaid: prepaidCallees, registers, immutableGlobals: immutableGlobalNames(module), defined: new Set(indexOf.keys()) };
  const results: RewriteResult[] = new Array(n);
  for (const pass of [true, false]) {
    functions.forEach((f, i) => {
      if (plans[i].prepaid !== pass) return;
      results[i] = new FunctionRewriter(ctx, f.ref, f.facts, plans[i]).rewrite();
      if (pass) prepaidCallees.set(f.name, { entryCost: results[i].entryCost, touchesFuel: results[i].touchesFuel });
    });
  }

  const wrapperUnits = wrapped.map((i) => entryWrapperUnits(functions[i].params, functions[i].results));
  // Frames that do not count themselves must fit in a reserve the counting ones leave free.
  let reserve = 0;
  if (depthMode === "elide") {
    const weights = edges.map((_, v) => (counts[v] || v === tableNode ? 0 : v < n ? results[v].units : wrapperUnits[v - n]));
    reserve = analyzeCallGraph(edges, weights).heaviestAcyclicPath;
    if (reserve > opts.stackBudget * MAX_RESERVE_SHARE) return null;
  }
  for (const r of results) if (r.limitConst) B.Const.setValueI32(r.limitConst, opts.stackBudget - reserve);

  // The start function's body now lives in its rewritten copy: export the wrapper.
  if (startName !== null) {
    module.setStart(0);
    module.addFunctionExport(startName, METER_INIT_EXPORT);
  }
  // Register functions moved to their new names; what stays is an entry wrapper or nothing.
  functions.forEach((f, i) => {
    if (prepaid[i]) return;
    B.Function.setBody(f.ref, module.nop());
    module.removeFunction(f.name);
  });
  wrapped.forEach((i, k) => {
    const f = functions[i];
    const v = n + k;
    if (counts[v] && !carries[i]) throw new Error("an entry wrapper that counts depth needs a function that carries it");
    addEntryWrapper(module, names, {
      name: f.name, innerName: plans[i].innerName, params: f.params, results: f.results,
      carriesDepth: carries[i], addsUnits: counts[v] ? wrapperUnits[k] : 0,
    });
  });

  reorderGlobals(module, names);
  addEntryFault(module, names);
  addHostHelpers(module, names, funcTaken);
  addCallbackEntries(module, names, funcTaken);
  for (const key of ["fuel", "depth", "fault", "growDenied"] as const) {
    module.addGlobalExport(names[key], METER_GLOBAL[key]);
  }

  checkLocalCounts(module);
  module.setFeatures(METERED_FEATURES);
  const emitted = module.emitBinary();
  // V8's own validator, on the exact bytes returned: it is the one that
  // decides what compiles, it is complete, and it took 0.6 ms on the 100 KB
  // benchmark module where binaryen's IR validator took 6-7 ms.
  if (!WebAssembly.validate(emitted as Uint8Array<ArrayBuffer>)) throw new MeteringError("metered module failed validation (a bug in the metering rewrite)");
  return emitted;
}

/** V8 refuses to compile a function with more locals than this (parameters included). */
const MAX_ENGINE_LOCALS = 50_000;

/**
 * Refuses, in words, a rewrite whose function would have more locals than
 * V8 compiles, instead of failing validation as if the rewrite had a bug.
 * binaryen's reader gives every value left pending beneath a statement a
 * scratch local (`i32.const; nop; drop` is one), so a 200 KB body of such
 * stack-style code, admitted with a handful of locals, read as 50 000.
 */
function checkLocalCounts(module: Module): void {
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const ref = module.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(ref);
    if (info.module) continue;
    const locals = binaryen.expandType(info.params).length + info.vars.length;
    if (locals > MAX_ENGINE_LOCALS) {
      throw new MeteringError(`function ${i} needs ${locals} locals once metered, over the engine's limit of ${MAX_ENGINE_LOCALS} (each value left on the stack beneath a statement takes one)`);
    }
  }
}

function immutableGlobalNames(module: Module): Set<string> {
  const out = new Set<string>();
  const count = module.getNumGlobals();
  for (let i = 0; i < count; i++) {
    const info = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
    if (!info.mutable) out.add(info.name);
  }
  return out;
}

/** Functions the host can enter: exports and the start function (table members are added by the caller). */
function entryPointNames(module: Module): Set<string> {
  const out = new Set<string>();
  const exports = module.getNumExports();
  for (let i = 0; i < exports; i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind === binaryen.ExternalFunction) out.add(info.value);
  }
  const start = module.getStart();
  if (start) out.add(B.Function.getName(start));
  return out;
}

/** Indices of defined functions in any table (call_indirect can reach each of them). */
function tableFunctionIndices(module: Module, indexOf: ReadonlyMap<string, number>): number[] {
  const out = new Set<number>();
  const segments = module.getNumElementSegments();
  for (let i = 0; i < segments; i++) {
    for (const name of binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(i)).data) {
      const index = indexOf.get(name);
      if (index !== undefined) out.add(index);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Makes __rf_fuel global index 0 (measured: a higher index made a tight loop
 * 2.0x slower instead of 1.4x, V8 addresses global 0 with a shorter
 * sequence). binaryen orders globals by insertion and refers to them by
 * name, so remove every global and add them back after the fuel global.
 */
function reorderGlobals(module: Module, names: MeterNames): void {
  const existing: { name: string; type: number; mutable: boolean; init: Ref }[] = [];
  const count = module.getNumGlobals();
  for (let i = 0; i < count; i++) {
    const info = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
    if (info.module) throw new MeteringError("imported globals are not supported");
    existing.push({ name: info.name, type: info.type, mutable: info.mutable, init: module.copyExpression(info.init) });
  }
  for (const g of existing) module.removeGlobal(g.name);
  const i32 = binaryen.i32;
  module.addGlobal(names.fuel, i32, true, module.i32.const(0));
  for (const g of existing) module.addGlobal(g.name, g.type, g.mutable, g.init);
  module.addGlobal(names.depth, i32, true, module.i32.const(0));
  module.addGlobal(names.fault, i32, true, module.i32.const(MeterFault.None));
  module.addGlobal(names.growDenied, i32, true, module.i32.const(0));
}

/**
 * The cold path of every function prologue, shared:
 *   entry_fault(f, cost): f < 0 ? (__rf_fuel = f + cost; __rf_fault = 1)
 *                               : (__rf_fuel = f;        __rf_fault = 2); trap
 * Why a call here but inline code at loop charges (both measured, V8 11.3,
 * TurboFan): a call inside a loop, even never taken, made V8 keep
 * loop-carried values in stack slots (2.5x slower loops); but an inline
 * `unreachable` in a prologue made call-heavy recursion ~1.45x slower than
 * this call (fib: 1.05 ms vs 0.72 ms, plain 0.54 ms).
 */
function addEntryFault(module: Module, names: MeterNames): void {
  const { i32, none } = binaryen;
  const m = module;
  m.addFunction(names.entryFault, binaryen.createType([i32, i32]), none, [], m.block(null, [
    m.if(
      m.i32.lt_s(m.local.get(0, i32), m.i32.const(0)),
      m.block(null, [
        m.global.set(names.fuel, m.i32.add(m.local.get(0, i32), m.local.get(1, i32))),
        m.global.set(names.fault, m.i32.const(MeterFault.OutOfFuel)),
      ]),
      m.block(null, [
        m.global.set(names.fuel, m.local.get(0, i32)),
        m.global.set(names.fault, m.i32.const(MeterFault.CallDepth)),
      ]),
    ),
    m.unreachable(),
  ]));
}

/**
 * Exported helpers for the host: a JS WebAssembly.Global `.value` access
 * costs 20-70 ns, an exported wasm call ~9 ns (measured, Node 20), and the
 * sandbox touches the meter state at every callback and host call.
 *   __rf_arm(fuel):        __rf_fuel = max(fuel, 0); __rf_depth = __rf_fault = __rf_grow_denied = 0
 *   __rf_fuel_left():      __rf_fuel
 *   __rf_charge(cost): i32 left = __rf_fuel - cost; if left < 0 { __rf_fuel = 0; 0 } else { __rf_fuel = left; 1 }
 * (__rf_arm clamps because every charge point assumes __rf_fuel >= 0: a
 * negative value minus a large charge could wrap around.)
 */
function addHostHelpers(module: Module, names: MeterNames, funcTaken: (n: string) => boolean): void {
  const { i32, none } = binaryen;
  const m = module;
  const arm = uniqueName(METER_EXPORT.arm, funcTaken);
  m.addFunction(arm, i32, none, [], m.block(null, armFromLocal0(m, names)));
  m.addFunctionExport(arm, METER_EXPORT.arm);

  const fuelLeft = uniqueName(METER_EXPORT.fuelLeft, funcTaken);
  m.addFunction(fuelLeft, none, i32, [], m.global.get(names.fuel, i32));
  m.addFunctionExport(fuelLeft, METER_EXPORT.fuelLeft);

  // (param cost) (local left): cost is a host-call price, 0 <= cost < 2^31, so left cannot wrap.
  const charge = uniqueName(METER_EXPORT.charge, funcTaken);
  m.addFunction(charge, i32, i32, [i32], m.if(
    m.i32.lt_s(m.local.tee(1, m.i32.sub(m.global.get(names.fuel, i32), m.local.get(0, i32)), i32), m.i32.const(0)),
    m.block(null, [m.global.set(names.fuel, m.i32.const(0)), m.i32.const(0)], i32),
    m.block(null, [m.global.set(names.fuel, m.local.get(1, i32)), m.i32.const(1)], i32),
  ));
  m.addFunctionExport(charge, METER_EXPORT.charge);
}

/** __rf_arm's body, the fuel being local 0: __rf_fuel = max(fuel, 0); __rf_depth = __rf_fault = __rf_grow_denied = 0. */
function armFromLocal0(m: Module, names: MeterNames): Ref[] {
  const { i32 } = binaryen;
  return [
    m.global.set(names.fuel, m.select(m.i32.gt_s(m.local.get(0, i32), m.i32.const(0)), m.local.get(0, i32), m.i32.const(0))),
    m.global.set(names.depth, m.i32.const(0)),
    m.global.set(names.fault, m.i32.const(MeterFault.None)),
    m.global.set(names.growDenied, m.i32.const(0)),
  ];
}

/** The per-callback host entries of METER_ENTRY_EXPORTS (see meterAbi.ts). */
function addCallbackEntries(module: Module, names: MeterNames, funcTaken: (n: string) => boolean): void {
  const { i32, none } = binaryen;
  const m = module;
  const exported = new Map<string, string>();
  const count = m.getNumExports();
  for (let i = 0; i < count; i++) {
    const info = binaryen.getExportInfo(m.getExportByIndex(i));
    if (info.kind === binaryen.ExternalFunction) exported.set(info.name, info.value);
  }
  for (const [callback, entryName] of Object.entries(METER_ENTRY_EXPORTS)) {
    const target = exported.get(callback);
    if (target === undefined || exported.has(entryName)) continue;
    const info = binaryen.getFunctionInfo(m.getFunction(target));
    if (info.params !== none || info.results !== none) continue;
    const name = uniqueName(entryName, funcTaken);
    m.addFunction(name, i32, i32, [], m.block(null, [
      ...armFromLocal0(m, names),
      m.call(target, [], none),
      m.global.get(names.fuel, i32),
    ], i32));
    m.addFunctionExport(name, entryName);
  }
}
