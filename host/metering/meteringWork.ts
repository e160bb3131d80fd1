/**
 * The metering budget: how much work the rewrite may do for one module,
 * counted from the bytes before binaryen reads them.
 *
 * Admission bounds sizes, not shapes, and some admissible shapes made the
 * rewrite itself expensive: 4 MiB of empty loops metered to 38 MB in 8 s
 * and 1 GB; 4 MiB of multi-value blocks (3 bytes each, which binaryen's
 * reader lowers to a 16-wide tuple local and a dozen nodes) took 5 s just
 * to be *read*, 23 s in all. So the work is estimated from the opcodes
 * before binaryen sees the module, and a module over the budget is refused
 * in ~30 ms.
 *
 * Work is counted, never timed, so the verdict is the same on every thread
 * and machine. Every instruction is 1 unit; what the reader and the rewrite
 * make of some instructions (charge points, fuel syncs, tuple lowering) adds
 * the units in WORK, measured so that a unit costs about the same in every
 * shape (0.4-0.8 µs on the development VM; docs/metering.md).
 *
 * Pure; allocates a little per module (the function types).
 */
import { ByteReader, ReadFailure } from "../admission/byteReader.ts";
import { MeteringError } from "./meteringError.ts";

/**
 * Most work units a module may need. The example strategies need 4,900-
 * 11,100 and the 100 KB benchmark strategy 133,000; the costliest shapes
 * found meter at this limit in at most 2.4 s and 250 MB (a fresh process on
 * the development VM, the second rewrite pass forced; docs/metering.md).
 */
export const MAX_METERING_WORK = 1_200_000;

/** Units on top of an instruction's own 1, for what the reader and the rewrite make of it. */
export const WORK = Object.freeze({
  /** A loop header charge, or a counted loop's entry charge (~30 nodes, the larger). */
  loop: 20,
  /** An `if` arm that may get its own charge point (then, and else). */
  ifArm: 15,
  /** A call: fuel hand-over or write-back / reload around it. */
  call: 5,
  /** memory.fill / copy / init: a size-dependent charge. */
  bulkMemory: 25,
  /** memory.grow: the grow-denied flag. */
  memoryGrow: 4,
  /** A float store, reinterpretation or copysign: NaN canonicalization. */
  canonicalize: 5,
  /**
   * An instruction that leaves no value (a statement): binaryen's reader
   * wraps a value still pending beneath one in a block with a scratch local
   * (`i32.const; nop; drop` read as 6 nodes and a local).
   */
  statement: 2,
  /**
   * Per value of a call, `return` or block type that passes several (or
   * block parameters): binaryen's reader lowers them through a tuple local,
   * a local and a few nodes per value (a call of 16 results read as 94 nodes
   * and 16 locals).
   */
  perTupleValue: 15,
  /** br_table, per target (read, checked by the counted-loop matcher, written). */
  perBranchTarget: 1,
  /** Per defined function: prologue, binaryen's function object. */
  function: 60,
  /** Per table element: an entry wrapper (call_indirect goes through one). */
  tableElement: 100,
  /** Per declared local (the rewrite sizes frames local by local). */
  local: 1,
});

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_ELEMENT = 9;
const SECTION_CODE = 10;
const IMPORT_FUNC = 0;

/**
 * Work units the rewrite needs for `bytes`. Each instruction inside loops
 * also counts once per enclosing loop: the counted-loop matcher walks a
 * loop's body before rewriting it, so nested loops walk their inner code
 * once per level. Bytes it cannot decode end the count of that function
 * body (binaryen or the scan then refuses the module with its own message).
 */
export function meteringWork(bytes: Uint8Array): number {
  const top = new ByteReader(bytes, 8, bytes.length, ReadFailure.Truncated);
  const types: FuncType[] = [];
  const funcTypes: number[] = [];
  let work = 0;
  while (top.pos < top.end && !top.failed) {
    const id = top.u8();
    const size = top.u32();
    if (top.failed || size > top.end - top.pos) break;
    const r = new ByteReader(bytes, top.pos, top.pos + size, ReadFailure.Malformed);
    top.skip(size);
    if (id === SECTION_TYPE) readTypes(r, types);
    else if (id === SECTION_IMPORT) readFunctionImports(r, funcTypes);
    else if (id === SECTION_FUNCTION) for (let n = r.u32(); n > 0 && !r.failed; n--) funcTypes.push(r.u32());
    else if (id === SECTION_ELEMENT) work += WORK.tableElement * elementCount(r);
    else if (id === SECTION_CODE) work += codeWork(r, types, funcTypes);
  }
  return work;
}

/** Throws the one-line MeteringError for a module over MAX_METERING_WORK. */
export function checkMeteringWork(bytes: Uint8Array): void {
  const work = meteringWork(bytes);
  if (work > MAX_METERING_WORK) {
    throw new MeteringError(`too much code to meter: ${work} work units, over the limit of ${MAX_METERING_WORK} (loops, branches and calls weigh most)`);
  }
}

function readTypes(r: ByteReader, types: FuncType[]): void {
  for (let n = r.u32(); n > 0 && !r.failed; n--) {
    if (r.u8() !== 0x60) return; // not a function type: admission refused it already
    const params = r.u32();
    r.skip(params);
    const results = r.u32();
    r.skip(results);
    types.push({ params, results });
  }
}

/** Appends the type of each imported function (imports come first in the function index space). */
function readFunctionImports(r: ByteReader, funcTypes: number[]): void {
  for (let n = r.u32(); n > 0 && !r.failed; n--) {
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const kind = r.u8();
    if (kind !== IMPORT_FUNC) return; // admission allows function imports only
    funcTypes.push(r.u32());
  }
}

/** Entries of all element segments (the admission feature set allows function indices only, flags 0-3). */
function elementCount(r: ByteReader): number {
  let entries = 0;
  for (let n = r.u32(); n > 0 && !r.failed; n--) {
    const flags = r.u32();
    if (flags > 3) return entries; // expressions: reference types, refused by admission
    if ((flags & 1) === 0) {
      if (flags & 2) r.u32(); // table index
      if (r.u8() === 0x41) r.signed(5); // offset: i32.const or global.get, then end
      else r.u32();
      r.u8();
    }
    if (flags !== 0) r.u8(); // element kind
    const count = r.u32();
    for (let i = 0; i < count && !r.failed; i++) r.u32();
    entries += count;
  }
  return entries;
}

function codeWork(r: ByteReader, types: readonly FuncType[], funcTypes: readonly number[]): number {
  const count = r.u32();
  const firstDefined = funcTypes.length - count;
  let work = 0;
  for (let i = 0; i < count && !r.failed; i++) {
    const size = r.u32();
    const end = r.pos + size;
    if (r.failed || size > r.end - r.pos) break;
    const body = new ByteReader(r.bytes, r.pos, end, ReadFailure.Malformed);
    r.skip(size);
    const type = types[funcTypes[firstDefined + i]];
    work += WORK.function + bodyWork(body, types, funcTypes, type ? type.results : 0);
  }
  return work;
}

/** Control frames: what an `end` closes. */
const FRAME_BLOCK = 0;
const FRAME_LOOP = 1;

interface FuncType {
  readonly params: number;
  readonly results: number;
}

/** One function body: its locals, then every instruction (see meteringWork). */
function bodyWork(r: ByteReader, types: readonly FuncType[], funcTypes: readonly number[], results: number): number {
  let work = 0;
  for (let groups = r.u32(); groups > 0 && !r.failed; groups--) {
    work += WORK.local * r.u32();
    r.u8();
  }
  const bytes = r.bytes;
  const frames: number[] = [];
  let loops = 0;
  /** A block type's work: a statement when empty, tuple lowering when given by type index. */
  const blockType = (): number => {
    const b = r.u8();
    if (b === 0x40) return WORK.statement;
    if ((b & 0xc0) === 0x40) return 0; // one value type
    r.pos--;
    const t = types[r.signed(5)];
    return t ? WORK.perTupleValue * (t.params + t.results) + (t.results === 0 ? WORK.statement : 0) : 0;
  };
  /** A call's work, by the callee's type. */
  const call = (t: FuncType | undefined): number => WORK.call + (t === undefined ? 0 : t.results === 0 ? WORK.statement : tuple(t.results));
  while (r.pos < r.end && !r.failed) {
    const op = bytes[r.pos++];
    let extra = 0;
    switch (op) {
      case 0x02: // block
        extra = blockType();
        frames.push(FRAME_BLOCK);
        break;
      case 0x03: // loop
        extra = WORK.loop + blockType();
        frames.push(FRAME_LOOP);
        loops++;
        break;
      case 0x04: // if
        extra = WORK.ifArm + blockType();
        frames.push(FRAME_BLOCK);
        break;
      case 0x05: // else
        extra = WORK.ifArm;
        break;
      case 0x0b: // end
        if (frames.pop() === FRAME_LOOP) loops--;
        break;
      case 0x0c: case 0x0d: // br, br_if
        r.u32();
        extra = WORK.statement;
        break;
      case 0x0e: { // br_table
        const n = r.u32();
        for (let t = 0; t <= n && !r.failed; t++) r.u32();
        extra = WORK.statement + WORK.perBranchTarget * (n + 1);
        break;
      }
      case 0x0f: // return
        extra = WORK.statement + tuple(results);
        break;
      case 0x10: // call
        extra = call(types[funcTypes[r.u32()]]);
        break;
      case 0x11: // call_indirect
        extra = call(types[r.u32()]);
        r.u32();
        break;
      case 0x00: case 0x01: case 0x1a: // unreachable, nop, drop
        extra = WORK.statement;
        break;
      case 0x1b: // select
        break;
      case 0x1c: // select t*
        r.skip(r.u32());
        break;
      case 0x20: case 0x22: case 0x23: // local.get, local.tee, global.get
        r.u32();
        break;
      case 0x21: case 0x24: // local.set, global.set
        r.u32();
        extra = WORK.statement;
        break;
      case 0x38: case 0x39: // f32.store, f64.store
        skipMemArg(r);
        extra = WORK.statement + WORK.canonicalize;
        break;
      case 0x3f: // memory.size
        r.u32();
        break;
      case 0x40: // memory.grow
        r.u32();
        extra = WORK.memoryGrow;
        break;
      case 0x41: r.signed(5); break; // i32.const
      case 0x42: r.signed(10); break; // i64.const
      case 0x43: r.skip(4); break; // f32.const
      case 0x44: r.skip(8); break; // f64.const
      case 0x98: case 0xa6: case 0xbc: case 0xbd: // copysign, reinterpret float as int
        extra = WORK.canonicalize;
        break;
      case 0xfc:
        extra = prefixFC(r);
        break;
      default:
        if (op >= 0x28 && op <= 0x35) skipMemArg(r); // loads
        else if (op >= 0x36 && op <= 0x3e) { // other stores
          skipMemArg(r);
          extra = WORK.statement;
        } else if (op < 0x45 || op > 0xc4) {
          return work; // not numeric: undecodable, see meteringWork
        }
    }
    work += 1 + extra + loops;
  }
  return work;
}

/** Values passed as a tuple: only several are. */
function tuple(values: number): number {
  return values > 1 ? WORK.perTupleValue * values : 0;
}

function skipMemArg(r: ByteReader): void {
  if ((r.u32() & 0x40) !== 0) r.u32(); // memory index
  r.u64(); // offset
}

/** 0xfc prefix: saturating truncations (no immediates) and bulk memory. */
function prefixFC(r: ByteReader): number {
  const sub = r.u32();
  switch (sub) {
    case 8: r.u32(); r.u32(); return WORK.statement + WORK.bulkMemory; // memory.init data, memory
    case 9: r.u32(); return WORK.statement; // data.drop
    case 10: r.u32(); r.u32(); return WORK.statement + WORK.bulkMemory; // memory.copy
    case 11: r.u32(); return WORK.statement + WORK.bulkMemory; // memory.fill
    default:
      if (sub > 7) r.fail(ReadFailure.Malformed); // refused by admission: stop this body
      return 0;
  }
}
