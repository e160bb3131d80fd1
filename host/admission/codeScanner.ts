/**
 * Walks the instructions of one function body and records refused features.
 *
 * Only the immediates of *allowed* instructions are decoded (MVP, sign
 * extension, saturating truncation, memory bulk ops, multi-value block
 * types). At the first refused or unknown opcode the scan of that body stops —
 * its immediates are not understood, so nothing after it could be trusted —
 * and the caller moves on to the next body, whose start is known from the
 * body size. Unknown opcodes are refused (fail closed).
 *
 * Does not allocate except when it records a hit.
 */
import type { ByteReader } from "./byteReader.ts";
import { RefusedFeature, type FeatureHits } from "./features.ts";
import { classifyValType, valTypeName } from "./wasmTypes.ts";

/** How to skip the immediates of each single-byte opcode. */
const Imm = {
  Refused: 0,
  None: 1,
  U32: 2,
  MemArg: 3,
  BlockType: 4,
  S32: 5,
  S64: 6,
  Bytes4: 7,
  Bytes8: 8,
  BrTable: 9,
  CallIndirect: 10,
  MemoryIndex: 11,
  TypedSelect: 12,
  PrefixFC: 13,
  PrefixFD: 14,
} as const;

const IMMEDIATES = new Uint8Array(256); // Imm.Refused by default
function setRange(from: number, to: number, kind: number): void {
  for (let op = from; op <= to; op++) IMMEDIATES[op] = kind;
}
setRange(0x00, 0x01, Imm.None); // unreachable, nop
setRange(0x02, 0x04, Imm.BlockType); // block, loop, if
IMMEDIATES[0x05] = Imm.None; // else
IMMEDIATES[0x0b] = Imm.None; // end
setRange(0x0c, 0x0d, Imm.U32); // br, br_if
IMMEDIATES[0x0e] = Imm.BrTable;
IMMEDIATES[0x0f] = Imm.None; // return
IMMEDIATES[0x10] = Imm.U32; // call
IMMEDIATES[0x11] = Imm.CallIndirect;
setRange(0x1a, 0x1b, Imm.None); // drop, select
IMMEDIATES[0x1c] = Imm.TypedSelect;
setRange(0x20, 0x24, Imm.U32); // local.get/set/tee, global.get/set
setRange(0x28, 0x3e, Imm.MemArg); // loads and stores
setRange(0x3f, 0x40, Imm.MemoryIndex); // memory.size, memory.grow
IMMEDIATES[0x41] = Imm.S32;
IMMEDIATES[0x42] = Imm.S64;
IMMEDIATES[0x43] = Imm.Bytes4;
IMMEDIATES[0x44] = Imm.Bytes8;
setRange(0x45, 0xbf, Imm.None); // numeric
setRange(0xc0, 0xc4, Imm.None); // sign extension
IMMEDIATES[0xfc] = Imm.PrefixFC;
IMMEDIATES[0xfd] = Imm.PrefixFD; // refused, but decoded so relaxed SIMD behind it is reported too

/** Refused single-byte opcodes: the feature and a name for the message. */
const REFUSED_OPCODES: ReadonlyMap<number, readonly [RefusedFeature, string]> = new Map<number, readonly [RefusedFeature, string]>([
  [0x06, [RefusedFeature.exceptionHandling, "try"]],
  [0x07, [RefusedFeature.exceptionHandling, "catch"]],
  [0x08, [RefusedFeature.exceptionHandling, "throw"]],
  [0x09, [RefusedFeature.exceptionHandling, "rethrow"]],
  [0x0a, [RefusedFeature.exceptionHandling, "throw_ref"]],
  [0x18, [RefusedFeature.exceptionHandling, "delegate"]],
  [0x19, [RefusedFeature.exceptionHandling, "catch_all"]],
  [0x1f, [RefusedFeature.exceptionHandling, "try_table"]],
  [0x12, [RefusedFeature.tailCalls, "return_call"]],
  [0x13, [RefusedFeature.tailCalls, "return_call_indirect"]],
  [0x15, [RefusedFeature.tailCalls, "return_call_ref"]],
  [0x14, [RefusedFeature.gc, "call_ref"]],
  [0x25, [RefusedFeature.referenceTypes, "table.get"]],
  [0x26, [RefusedFeature.referenceTypes, "table.set"]],
  [0xd0, [RefusedFeature.referenceTypes, "ref.null"]],
  [0xd1, [RefusedFeature.referenceTypes, "ref.is_null"]],
  [0xd2, [RefusedFeature.referenceTypes, "ref.func"]],
  [0xd3, [RefusedFeature.gc, "ref.eq"]],
  [0xd4, [RefusedFeature.gc, "ref.as_non_null"]],
  [0xd5, [RefusedFeature.gc, "br_on_null"]],
  [0xd6, [RefusedFeature.gc, "br_on_non_null"]],
  [0xfe, [RefusedFeature.threads, "atomic"]],
]);

function where(name: string, funcIndex: number, offset: number): string {
  return `${name} in function ${funcIndex} at byte 0x${offset.toString(16)}`;
}

/**
 * Scans instructions from r.pos up to r.end (the body end, set by the caller).
 * On return r.pos may be anywhere up to r.end; the caller moves to the next
 * body. A read past the body end marks `r` Malformed.
 */
export function scanFunctionBody(r: ByteReader, hits: FeatureHits, funcIndex: number): void {
  const bytes = r.bytes;
  while (r.pos < r.end && !r.failed) {
    const at = r.pos;
    const op = bytes[r.pos++];
    switch (IMMEDIATES[op]) {
      case Imm.None:
        break;
      case Imm.U32:
        r.u32();
        break;
      case Imm.MemArg: {
        const align = r.u32();
        if ((align & 0x40) !== 0 && r.u32() !== 0) {
          // Bit 6 of the alignment field announces an explicit memory index.
          hits.hit(RefusedFeature.multiMemory, where("memory index", funcIndex, at));
        }
        r.u64(); // offset (u64 in memory64 modules, which are refused elsewhere)
        break;
      }
      case Imm.BlockType:
        if (!scanBlockType(r, hits, funcIndex, at)) return;
        break;
      case Imm.S32:
        r.signed(5);
        break;
      case Imm.S64:
        r.signed(10);
        break;
      case Imm.Bytes4:
        r.skip(4);
        break;
      case Imm.Bytes8:
        r.skip(8);
        break;
      case Imm.BrTable: {
        const n = r.u32();
        for (let i = 0; i <= n && !r.failed; i++) r.u32(); // n targets + the default
        break;
      }
      case Imm.CallIndirect:
        r.u32(); // type index
        if (r.u32() !== 0) hits.hit(RefusedFeature.referenceTypes, where("call_indirect on table > 0", funcIndex, at));
        break;
      case Imm.MemoryIndex:
        if (r.u32() !== 0) hits.hit(RefusedFeature.multiMemory, where("memory index", funcIndex, at));
        break;
      case Imm.TypedSelect: {
        // `select t*`: introduced with reference types, harmless with number types.
        const n = r.u32();
        for (let i = 0; i < n && !r.failed; i++) {
          const code = r.u8();
          const refused = r.failed ? null : classifyValType(code, r);
          if (refused !== null) {
            hits.hit(refused, where(`select ${valTypeName(code)}`, funcIndex, at));
            return;
          }
        }
        break;
      }
      case Imm.PrefixFC:
        if (!scanPrefixFC(r, hits, funcIndex, at)) return;
        break;
      case Imm.PrefixFD:
        if (!scanPrefixFD(r, hits, funcIndex, at)) return;
        break;
      default: {
        refuse(r, op, hits, funcIndex, at);
        return;
      }
    }
  }
}

function refuse(r: ByteReader, op: number, hits: FeatureHits, funcIndex: number, at: number): void {
  const known = REFUSED_OPCODES.get(op);
  if (known !== undefined) {
    hits.hit(known[0], where(known[1], funcIndex, at));
  } else if (op === 0xfb) {
    const sub = r.u32();
    // The stringref proposal lives in the GC prefix from 0x80 up.
    if (sub >= 0x80) hits.hit(RefusedFeature.stringref, where(`0xfb ${sub} (stringref)`, funcIndex, at));
    else hits.hit(RefusedFeature.gc, where(`0xfb ${sub} (gc)`, funcIndex, at));
  } else {
    hits.hit(RefusedFeature.unsupported, where(`opcode 0x${op.toString(16)}`, funcIndex, at));
  }
}

/** Returns false when the block type is refused (the body scan stops). */
function scanBlockType(r: ByteReader, hits: FeatureHits, funcIndex: number, at: number): boolean {
  const b = r.u8();
  if (b === 0x40) return true; // empty
  if ((b & 0xc0) === 0x40) {
    // A one-byte negative s33: a value type.
    const refused = classifyValType(b, r);
    if (refused === null) return true;
    hits.hit(refused, where(`block of ${valTypeName(b)}`, funcIndex, at));
    return false;
  }
  // A non-negative s33: a type index (multi-value, allowed). Skip its LEB tail.
  let last = b;
  for (let i = 1; i < 5 && (last & 0x80) !== 0 && !r.failed; i++) last = r.u8();
  return true;
}

/** 0xfc prefix: saturating truncation and memory bulk ops are allowed. */
function scanPrefixFC(r: ByteReader, hits: FeatureHits, funcIndex: number, at: number): boolean {
  const sub = r.u32();
  if (sub <= 7) return true; // iNN.trunc_sat_fMM_s/u
  switch (sub) {
    case 8: // memory.init data_index memory_index
      r.u32();
      return checkMemoryIndex(r.u32(), hits, funcIndex, at);
    case 9: // data.drop
      r.u32();
      return true;
    case 10: // memory.copy dst_memory src_memory
      return checkMemoryIndex(r.u32() | r.u32(), hits, funcIndex, at);
    case 11: // memory.fill memory
      return checkMemoryIndex(r.u32(), hits, funcIndex, at);
    case 12:
      hits.hit(RefusedFeature.tableBulkOps, where("table.init", funcIndex, at));
      return false;
    case 13:
      hits.hit(RefusedFeature.tableBulkOps, where("elem.drop", funcIndex, at));
      return false;
    case 14:
      hits.hit(RefusedFeature.tableBulkOps, where("table.copy", funcIndex, at));
      return false;
    case 15:
      hits.hit(RefusedFeature.referenceTypes, where("table.grow", funcIndex, at));
      return false;
    case 16:
      hits.hit(RefusedFeature.referenceTypes, where("table.size", funcIndex, at));
      return false;
    case 17:
      hits.hit(RefusedFeature.referenceTypes, where("table.fill", funcIndex, at));
      return false;
    default:
      hits.hit(RefusedFeature.unsupported, where(`opcode 0xfc ${sub}`, funcIndex, at));
      return false;
  }
}

function checkMemoryIndex(index: number, hits: FeatureHits, funcIndex: number, at: number): boolean {
  if (index === 0) return true;
  hits.hit(RefusedFeature.multiMemory, where("memory index", funcIndex, at));
  return false;
}

/**
 * 0xfd prefix: every SIMD instruction is refused, but their immediates are
 * simple, so the scan goes on: relaxed SIMD (which always comes with some
 * plain SIMD) is then reported under its own code as well.
 */
function scanPrefixFD(r: ByteReader, hits: FeatureHits, funcIndex: number, at: number): boolean {
  const sub = r.u32();
  if (sub >= 0x100 && sub <= 0x113) {
    hits.hit(RefusedFeature.relaxedSimd, where(`simd opcode 0x${sub.toString(16)} (relaxed)`, funcIndex, at));
    return true;
  }
  if (sub > 0xff) {
    hits.hit(RefusedFeature.unsupported, where(`opcode 0xfd 0x${sub.toString(16)}`, funcIndex, at));
    return false;
  }
  hits.hit(RefusedFeature.simd, where(`simd opcode 0x${sub.toString(16)}`, funcIndex, at));
  if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) {
    skipMemArg(r); // loads, stores, load_zero
  } else if (sub === 0x0c || sub === 0x0d) {
    r.skip(16); // v128.const, i8x16.shuffle
  } else if (sub >= 0x15 && sub <= 0x22) {
    r.skip(1); // extract_lane / replace_lane
  } else if (sub >= 0x54 && sub <= 0x5b) {
    skipMemArg(r); // load_lane / store_lane
    r.skip(1);
  }
  return true;
}

function skipMemArg(r: ByteReader): void {
  if ((r.u32() & 0x40) !== 0) r.u32();
  r.u64();
}
