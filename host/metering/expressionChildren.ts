/**
 * binaryen.js has no tree walker, so this table says, for every expression
 * kind an admitted module can contain, where its children are and how to
 * replace one. Children are listed in wasm evaluation order (a call's
 * operands, then call_indirect's target; a br's value, then its condition),
 * which the rewrite relies on to place fuel syncs after the last operand.
 * An absent optional child (br without value, if without else) is 0.
 *
 * Expression kinds outside the admission feature set (SIMD, atomics,
 * reference types, GC, exceptions, ...) have no entry: the rewrite refuses
 * them rather than leave their children unmetered. table.init / table.copy
 * have no child accessors in binaryen.js, so they are refused too.
 */
import { B, binaryen } from "./binaryenApi.ts";

type Ref = number;

interface ChildAccess {
  /** Children in evaluation order (0 where an optional child is absent). */
  get(expr: Ref): Ref[];
  /** Replaces child `index` (same order as get). */
  set(expr: Ref, index: number, child: Ref): void;
}

function fixed(getters: ((e: Ref) => Ref)[], setters: ((e: Ref, c: Ref) => void)[]): ChildAccess {
  return {
    get: (e) => getters.map((g) => g(e)),
    set: (e, i, c) => setters[i](e, c),
  };
}

const NO_CHILDREN: ChildAccess = { get: () => [], set: () => undefined };

const TABLE = new Map<number, ChildAccess>([
  [B.NopId, NO_CHILDREN],
  [B.LocalGetId, NO_CHILDREN],
  [B.GlobalGetId, NO_CHILDREN],
  [B.ConstId, NO_CHILDREN],
  [B.MemorySizeId, NO_CHILDREN],
  [B.UnreachableId, NO_CHILDREN],
  [B.DataDropId, NO_CHILDREN],
  [B.ElemDropId, NO_CHILDREN],
  [B.PopId, NO_CHILDREN],
  [B.BlockId, {
    get: (e) => B.Block.getChildren(e),
    set: (e, i, c) => B.Block.setChildAt(e, i, c),
  }],
  [B.IfId, fixed(
    [B.If.getCondition, B.If.getIfTrue, B.If.getIfFalse],
    [B.If.setCondition, B.If.setIfTrue, B.If.setIfFalse],
  )],
  [B.LoopId, fixed([B.Loop.getBody], [B.Loop.setBody])],
  [B.BreakId, fixed([B.Break.getValue, B.Break.getCondition], [B.Break.setValue, B.Break.setCondition])],
  [B.SwitchId, fixed([B.Switch.getValue, B.Switch.getCondition], [B.Switch.setValue, B.Switch.setCondition])],
  [B.CallId, {
    get: (e) => B.Call.getOperands(e),
    set: (e, i, c) => B.Call.setOperandAt(e, i, c),
  }],
  [B.CallIndirectId, {
    get: (e) => [...B.CallIndirect.getOperands(e), B.CallIndirect.getTarget(e)],
    set: (e, i, c) => {
      if (i < B.CallIndirect.getNumOperands(e)) B.CallIndirect.setOperandAt(e, i, c);
      else B.CallIndirect.setTarget(e, c);
    },
  }],
  [B.LocalSetId, fixed([B.LocalSet.getValue], [B.LocalSet.setValue])],
  [B.GlobalSetId, fixed([B.GlobalSet.getValue], [B.GlobalSet.setValue])],
  [B.LoadId, fixed([B.Load.getPtr], [B.Load.setPtr])],
  [B.StoreId, fixed([B.Store.getPtr, B.Store.getValue], [B.Store.setPtr, B.Store.setValue])],
  [B.UnaryId, fixed([B.Unary.getValue], [B.Unary.setValue])],
  [B.BinaryId, fixed([B.Binary.getLeft, B.Binary.getRight], [B.Binary.setLeft, B.Binary.setRight])],
  [B.SelectId, fixed(
    [B.Select.getIfTrue, B.Select.getIfFalse, B.Select.getCondition],
    [B.Select.setIfTrue, B.Select.setIfFalse, B.Select.setCondition],
  )],
  [B.DropId, fixed([B.Drop.getValue], [B.Drop.setValue])],
  [B.ReturnId, fixed([B.Return.getValue], [B.Return.setValue])],
  [B.MemoryGrowId, fixed([B.MemoryGrow.getDelta], [B.MemoryGrow.setDelta])],
  [B.MemoryFillId, fixed(
    [B.MemoryFill.getDest, B.MemoryFill.getValue, B.MemoryFill.getSize],
    [B.MemoryFill.setDest, B.MemoryFill.setValue, B.MemoryFill.setSize],
  )],
  [B.MemoryCopyId, fixed(
    [B.MemoryCopy.getDest, B.MemoryCopy.getSource, B.MemoryCopy.getSize],
    [B.MemoryCopy.setDest, B.MemoryCopy.setSource, B.MemoryCopy.setSize],
  )],
  [B.MemoryInitId, fixed(
    [B.MemoryInit.getDest, B.MemoryInit.getOffset, B.MemoryInit.getSize],
    [B.MemoryInit.setDest, B.MemoryInit.setOffset, B.MemoryInit.setSize],
  )],
  [B.TupleMakeId, {
    get: (e) => B.TupleMake.getOperands(e),
    set: (e, i, c) => B.TupleMake.setOperandAt(e, i, c),
  }],
  [B.TupleExtractId, fixed([B.TupleExtract.getTuple], [B.TupleExtract.setTuple])],
]);

/** Child accessors for an expression kind, or undefined if the rewrite does not support it. */
export function childAccess(id: number): ChildAccess | undefined {
  return TABLE.get(id);
}

let kindNames: Map<number, string> | undefined;

/** Readable name of an expression kind for error messages ("TableCopy"). */
export function expressionKindName(id: number): string {
  if (!kindNames) {
    // binaryen.js exports `XId` constants for most kinds and zero-argument
    // `_BinaryenXId()` getters for all (`_BinaryenExpressionGetId(expr)` takes one: skipped).
    kindNames = new Map();
    for (const [key, value] of Object.entries(binaryen as unknown as Record<string, unknown>)) {
      const m = /^_Binaryen(\w+)Id$/.exec(key);
      if (!m || typeof value !== "function" || value.length !== 0) continue;
      const kindId = (value as () => number)();
      if (!kindNames.has(kindId)) kindNames.set(kindId, m[1]);
    }
  }
  return kindNames.get(id) ?? `#${id}`;
}
