/**
 * The thin function that stays behind under an entry point's original name
 * (an export, a table element, the start function) once its body has moved
 * to the register convention (functionRewriter.ts): it hands the meter
 * globals to the rewritten function in registers and writes the fuel left
 * back, so the host and call_indirect callers keep seeing the original
 * signature and the globals of meterAbi.ts.
 *
 *   $f(params...) -> (results...)
 *     [d = __rf_depth]
 *     (results..., fuel) = $f$rf(params..., __rf_fuel [, d (+ units)])
 *     __rf_fuel = fuel;  [__rf_depth = d]
 *
 * Putting the depth back matters when the host makes several calls under one
 * __rf_arm (the sandbox runs __rf_init, rf_abi_version, rf_event_buffer and
 * rf_start in a row): __rf_depth is written before every call_indirect, so
 * without it the next call would start at whatever depth the last
 * call_indirect of the previous one ran at.
 *
 * It charges nothing (the rewritten function charges its own entry). On a
 * call-graph cycle (recursion through call_indirect), or when every frame
 * counts, it adds its own frame's units to the depth it passes on; the
 * rewritten function's check covers both frames. Direct calls inside the
 * module skip the wrapper.
 */
import { binaryen } from "./binaryenApi.ts";
import { frameStackUnits, METER_OPERAND_HEIGHT } from "./costModel.ts";
import { withFuelResult, type MeterNames } from "./functionRewriter.ts";

type Ref = number;
type Module = binaryen.Module;

export interface EntryWrapperPlan {
  readonly name: string;
  readonly innerName: string;
  /** Original parameter and result types. */
  readonly params: number;
  readonly results: number;
  /** The rewritten function takes the depth. */
  readonly carriesDepth: boolean;
  /** Stack units this wrapper adds to the depth (0 unless it is on a call-graph cycle). */
  readonly addsUnits: number;
}

/** Stack units of a wrapper frame (same formula as every rewritten frame). */
export function entryWrapperUnits(params: number, results: number): number {
  const paramCount = binaryen.expandType(params).length;
  const temp = results === binaryen.none ? 0 : binaryen.expandType(withFuelResult(results)).length;
  // locals (params, the saved depth, the results temp) + operand stack (the
  // call's arguments: params, fuel, depth) + results + the rewrite's own
  return frameStackUnits(paramCount + 1 + temp + paramCount + 2 + temp + METER_OPERAND_HEIGHT);
}

/** Adds the wrapper as a new function named plan.name (the original must already be removed). */
export function addEntryWrapper(module: Module, names: MeterNames, plan: EntryWrapperPlan): void {
  const m = module;
  const { i32 } = binaryen;
  const paramTypes = binaryen.expandType(plan.params);
  const innerResults = withFuelResult(plan.results);
  const vars: number[] = [];
  const savedDepth = plan.carriesDepth ? paramTypes.length + vars.push(i32) - 1 : -1;
  const tmp = plan.results === binaryen.none ? -1 : paramTypes.length + vars.push(innerResults) - 1;

  const args: Ref[] = paramTypes.map((t, i) => m.local.get(i, t));
  args.push(m.global.get(names.fuel, i32));
  const before: Ref[] = [];
  const after: Ref[] = [];
  if (plan.carriesDepth) {
    before.push(m.local.set(savedDepth, m.global.get(names.depth, i32)));
    const depth = m.local.get(savedDepth, i32);
    args.push(plan.addsUnits > 0 ? m.i32.add(depth, m.i32.const(plan.addsUnits)) : depth);
    after.push(m.global.set(names.depth, m.local.get(savedDepth, i32)));
  }
  const call = m.call(plan.innerName, args, innerResults);
  let body: Ref;
  if (plan.results === binaryen.none) {
    body = m.block(null, [...before, m.global.set(names.fuel, call), ...after], binaryen.none);
  } else {
    const arity = binaryen.expandType(plan.results).length;
    const part = (i: number) => m.tuple.extract(m.local.get(tmp, innerResults), i);
    const parts: Ref[] = [];
    for (let i = 0; i < arity; i++) parts.push(part(i));
    body = m.block(null, [
      ...before,
      m.local.set(tmp, call),
      m.global.set(names.fuel, part(arity)),
      ...after,
      arity === 1 ? parts[0] : m.tuple.make(parts),
    ], plan.results);
  }
  m.addFunction(plan.name, plan.params, plan.results, vars, body);
}
