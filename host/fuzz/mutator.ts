/**
 * Byte-level mutation of the example strategies: seeded flips, byte sets,
 * truncations, deletions, duplications, insertions and splices between two
 * examples. Most mutants die at admission (`invalid`, `truncated`); the ones
 * that survive are valid modules with one odd constant, branch or LEB — the
 * interesting ones for metering and the sandbox.
 *
 * Allocates the mutant; pure function of (bases, seed).
 */
import { Xoshiro128 } from "../feed/prng.ts";
import type { GeneratedModule } from "./ttfGenerator.ts";

const WASM_HEADER_BYTES = 8;

/** Mutates one of `bases` (chosen by the seed); `names[i]` names `bases[i]` in the note. */
export function mutateExample(bases: readonly Uint8Array[], names: readonly string[], caseSeed: number): GeneratedModule {
  if (bases.length === 0) throw new RangeError("mutateExample: no base modules");
  const rng = new Xoshiro128(caseSeed);
  const which = rng.below(bases.length);
  let bytes: Uint8Array = bases[which];
  const steps = 1 + rng.below(rng.below(4) === 0 ? 8 : 2);
  const ops: string[] = [];
  for (let s = 0; s < steps; s++) {
    const [next, op] = mutateOnce(bytes, bases, rng);
    bytes = next;
    ops.push(op);
  }
  return { bytes, note: `${names[which]}: ${ops.join(", ")}` };
}

/** Mostly past the header (flipping the magic only tests `not_wasm`, once is enough). */
function offset(len: number, rng: Xoshiro128): number {
  if (len <= WASM_HEADER_BYTES || rng.below(50) === 0) return rng.below(Math.max(1, len));
  return WASM_HEADER_BYTES + rng.below(len - WASM_HEADER_BYTES);
}

function mutateOnce(src: Uint8Array, bases: readonly Uint8Array[], rng: Xoshiro128): [Uint8Array, string] {
  const len = src.length;
  if (len === 0) return [new Uint8Array([0]), "grow empty"];
  const op = rng.below(100);
  if (op < 35) {
    const out = new Uint8Array(src);
    const at = offset(len, rng);
    const bit = rng.below(8);
    out[at] ^= 1 << bit;
    return [out, `flip bit ${bit} @${at}`];
  }
  if (op < 50) {
    const out = new Uint8Array(src);
    const at = offset(len, rng);
    // Interesting byte values: LEB continuation, opcodes for end/unreachable/loop/call, extremes.
    const value = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x00, 0x03, 0x10, 0x40, 0xfc, 0xfd, 0xfe, rng.below(256)][rng.below(14)];
    out[at] = value;
    return [out, `set @${at}=0x${value.toString(16)}`];
  }
  if (op < 60) {
    const keep = rng.below(len);
    return [src.slice(0, keep), `truncate to ${keep}`];
  }
  if (op < 70) {
    const at = offset(len, rng);
    const n = 1 + rng.below(Math.min(64, len - at));
    const out = new Uint8Array(len - n);
    out.set(src.subarray(0, at), 0);
    out.set(src.subarray(at + n), at);
    return [out, `delete ${n} @${at}`];
  }
  if (op < 80) {
    const at = offset(len, rng);
    const n = 1 + rng.below(Math.min(64, len - at));
    const out = new Uint8Array(len + n);
    out.set(src.subarray(0, at + n), 0);
    out.set(src.subarray(at), at + n);
    return [out, `duplicate ${n} @${at}`];
  }
  if (op < 88) {
    const at = offset(len, rng);
    const n = 1 + rng.below(16);
    const out = new Uint8Array(len + n);
    out.set(src.subarray(0, at), 0);
    for (let i = 0; i < n; i++) out[at + i] = rng.below(256);
    out.set(src.subarray(at), at + n);
    return [out, `insert ${n} random @${at}`];
  }
  // Splice: this module's head, another module's tail (section boundaries rarely line up; sometimes they do).
  const other = bases[rng.below(bases.length)];
  const cut = offset(len, rng);
  const from = offset(other.length, rng);
  const out = new Uint8Array(cut + other.length - from);
  out.set(src.subarray(0, cut), 0);
  out.set(other.subarray(from), cut);
  return [out, `splice @${cut} with tail @${from}`];
}
