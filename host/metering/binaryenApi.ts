/**
 * Typed access to the parts of binaryen.js its index.d.ts does not declare:
 * the per-expression accessor classes (binaryen.Block.setChildAt, ...) and
 * BinaryenFunctionAddVar. All exist at runtime in the pinned version
 * (131.0.0-nightly); test/unit/metering checks them by using them.
 *
 * Also: binaryen prints validator and parser diagnostics straight to
 * stdout/stderr through console methods it bound at load time, so the only
 * way to keep them off a user's terminal is to swap the stream writers
 * around the call (`quietly`).
 */
import binaryen from "binaryen";

type Ref = number;
type Getter = (e: Ref) => Ref;
type Setter = (e: Ref, child: Ref) => void;

interface ExpressionClasses {
  Block: { getChildren(e: Ref): Ref[]; setChildAt(e: Ref, i: number, c: Ref): void; getName(e: Ref): string | null; setName(e: Ref, name: string): void };
  If: { getCondition: Getter; setCondition: Setter; getIfTrue: Getter; setIfTrue: Setter; getIfFalse: Getter; setIfFalse: Setter };
  Loop: { getBody: Getter; setBody: Setter; getName(e: Ref): string | null };
  Break: { getName(e: Ref): string; getValue: Getter; setValue: Setter; getCondition: Getter; setCondition: Setter };
  Switch: {
    getNames(e: Ref): string[]; getDefaultName(e: Ref): string | null;
    getValue: Getter; setValue: Setter; getCondition: Getter; setCondition: Setter;
  };
  Call: { getOperands(e: Ref): Ref[]; setOperandAt(e: Ref, i: number, c: Ref): void; getTarget(e: Ref): string };
  CallIndirect: { getOperands(e: Ref): Ref[]; getNumOperands(e: Ref): number; setOperandAt(e: Ref, i: number, c: Ref): void; getTarget: Getter; setTarget: Setter };
  LocalGet: { getIndex(e: Ref): number; setIndex(e: Ref, index: number): void };
  LocalSet: { getValue: Getter; setValue: Setter; getIndex(e: Ref): number; setIndex(e: Ref, index: number): void; isTee(e: Ref): boolean };
  GlobalGet: { getName(e: Ref): string };
  GlobalSet: { getValue: Getter; setValue: Setter };
  Load: { getPtr: Getter; setPtr: Setter };
  Store: { getPtr: Getter; setPtr: Setter; getValue: Getter; setValue: Setter; getValueType(e: Ref): number };
  Unary: { getOp(e: Ref): number; getValue: Getter; setValue: Setter };
  Binary: { getOp(e: Ref): number; getLeft: Getter; setLeft: Setter; getRight: Getter; setRight: Setter };
  Select: { getIfTrue: Getter; setIfTrue: Setter; getIfFalse: Getter; setIfFalse: Setter; getCondition: Getter; setCondition: Setter };
  Drop: { getValue: Getter; setValue: Setter };
  Return: { getValue: Getter; setValue: Setter };
  MemoryGrow: { getDelta: Getter; setDelta: Setter };
  MemoryFill: { getDest: Getter; setDest: Setter; getValue: Getter; setValue: Setter; getSize: Getter; setSize: Setter };
  MemoryCopy: { getDest: Getter; setDest: Setter; getSource: Getter; setSource: Setter; getSize: Getter; setSize: Setter };
  MemoryInit: { getDest: Getter; setDest: Setter; getOffset: Getter; setOffset: Setter; getSize: Getter; setSize: Setter };
  TupleMake: { getOperands(e: Ref): Ref[]; setOperandAt(e: Ref, i: number, c: Ref): void };
  TupleExtract: { getTuple: Getter; setTuple: Setter };
  Const: { getValueI32(e: Ref): number; setValueI32(e: Ref, value: number): void };
  Function: {
    getName(f: Ref): string; getParams(f: Ref): number; getResults(f: Ref): number;
    getNumVars(f: Ref): number; getVar(f: Ref, i: number): number; getBody(f: Ref): Ref; setBody(f: Ref, body: Ref): void;
  };
  _BinaryenFunctionAddVar(func: Ref, type: number): number;
}

/** binaryen plus the undeclared runtime API above. */
export const B = binaryen as typeof binaryen & ExpressionClasses;
export { binaryen };

/**
 * Runs fn with process.stdout/stderr writes dropped: binaryen's own
 * diagnostics must not reach a terminal (callers report one line instead).
 * Synchronous only; restores the writers even when fn throws.
 */
export function quietly<T>(fn: () => T): T {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const drop = (() => true) as typeof process.stdout.write;
  process.stdout.write = drop;
  process.stderr.write = drop;
  try {
    return fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
