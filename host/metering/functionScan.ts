/**
 * Read-only pre-pass over one function body, before anything is rewritten:
 * what the module-level plan (who counts stack units, who is prepaid) and the
 * rewrite itself need to know. Also the place unsupported expression kinds
 * are refused, so a module is never left half rewritten.
 */
import { B, binaryen } from "./binaryenApi.ts";
import { childAccess, expressionKindName } from "./expressionChildren.ts";
import { MeteringError } from "./meteringError.ts";

type Ref = number;

export interface FunctionFacts {
  hasLoop: boolean;
  /** Block and loop labels (the return label the rewrite adds must differ). */
  readonly labels: Set<string>;
  /** Names of functions called directly (defined or imported), in first-call order. */
  readonly directCallees: string[];
  hasIndirectCall: boolean;
  /**
   * Most values pending on the operand stack at once: a child's height plus
   * the values of the siblings evaluated before it. Liftoff gives each a
   * stack slot, like a local, so it counts toward the frame's stack units.
   */
  operandHeight: number;
}

const arityCache = new Map<number, number>();

/** Values a type puts on the stack (types are interned numbers; expandType allocates, so cache). */
function valueArity(type: number): number {
  let arity = arityCache.get(type);
  if (arity === undefined) {
    arity = type === binaryen.none || type === binaryen.unreachable ? 0 : binaryen.expandType(type).length;
    arityCache.set(type, arity);
  }
  return arity;
}

export function scanFunction(body: Ref): FunctionFacts {
  const facts: FunctionFacts = { hasLoop: false, labels: new Set(), directCallees: [], hasIndirectCall: false, operandHeight: 0 };
  const callees = new Set<string>();
  depth = 0;
  facts.operandHeight = scan(body, facts, callees);
  return facts;
}

/** Kinds that always push exactly one value and have no children (no type query needed: it costs ~100 ns). */
const SINGLE_VALUE_LEAVES: ReadonlySet<number> = new Set([binaryen.ConstId, binaryen.LocalGetId, binaryen.GlobalGetId, binaryen.MemorySizeId]);

/** Arity of the expression `scan` returned from last (saves a second type query per node). */
let lastArity = 0;

/**
 * Deepest expression nesting metered. The rewrite recurses with the nesting,
 * so without a limit of its own a module meters or not depending on the
 * thread's stack (a worker's is larger than the main thread's); this makes
 * the answer the same everywhere. AssemblyScript output nests a few dozen deep.
 * 1024, not 2048: metering 2046 levels needs ~700 KB of the thread's stack,
 * which a main thread (984 KB) had only with few frames below it — under a
 * test runner it ran out. 1024 levels meter with 500 KB (measured with
 * --stack-size), half of a main thread's.
 */
export const MAX_EXPRESSION_DEPTH = 1024;

let depth = 0;

/** Returns the operand-stack height of `e` (recursive: JS stack depth follows expression nesting). */
function scan(e: Ref, facts: FunctionFacts, callees: Set<string>): number {
  if (++depth > MAX_EXPRESSION_DEPTH) {
    depth = 0;
    throw new MeteringError(`expressions nested too deeply to meter (over ${MAX_EXPRESSION_DEPTH} levels)`);
  }
  try {
    return scanNode(e, facts, callees);
  } finally {
    if (depth > 0) depth--;
  }
}

function scanNode(e: Ref, facts: FunctionFacts, callees: Set<string>): number {
  const id = binaryen.getExpressionId(e);
  if (SINGLE_VALUE_LEAVES.has(id)) {
    lastArity = 1;
    return 1;
  }
  const access = childAccess(id);
  if (!access) throw new MeteringError(`unsupported instruction '${expressionKindName(id)}'`);
  const kids = access.get(e);
  const arity = valueArity(binaryen.getExpressionType(e));
  if (id === binaryen.BlockId || id === binaryen.LoopId || id === binaryen.IfId) {
    // Structured control: a block's non-final children leave nothing on the
    // stack, an if consumes its condition before either arm runs.
    if (id === binaryen.LoopId) facts.hasLoop = true;
    const name = id === binaryen.BlockId ? B.Block.getName(e) : id === binaryen.LoopId ? B.Loop.getName(e) : null;
    if (name) facts.labels.add(name);
    let height = arity;
    for (const kid of kids) if (kid) height = Math.max(height, scan(kid, facts, callees));
    lastArity = arity;
    return height;
  }
  if (id === binaryen.CallId) {
    const target = B.Call.getTarget(e);
    if (!callees.has(target)) {
      callees.add(target);
      facts.directCallees.push(target);
    }
  } else if (id === binaryen.CallIndirectId) {
    facts.hasIndirectCall = true;
  }
  let pending = 0;
  let height = 0;
  for (const kid of kids) {
    if (!kid) continue;
    height = Math.max(height, pending + scan(kid, facts, callees));
    pending += lastArity;
  }
  lastArity = arity;
  return Math.max(height, pending, arity);
}
