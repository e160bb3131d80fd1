/**
 * Seeded, admissible strategy modules of any size for the metering-budget
 * tests: an ABI v1 strategy plus `run(x) -> i32`, which calls every filler
 * function once and xors their results. Each filler is a seeded sequence of
 * snippets, every one of which the rewrite instruments (loops, counted loops,
 * big if arms, calls, bulk memory, float stores, br_table), so metering work
 * grows with the snippet count while the result stays checkable against the
 * unmetered module.
 *
 * Written as raw bytes into one Uint8Array (megabytes of number[] spread
 * into push() would overflow the argument limit). Test code only.
 */
import { prng } from "../../support/seed.ts";

/** Filler locals: 0 = param $x, 1 = $acc, 2 = $i, 3 = $n (i32), 4 = $f (f64). */
const SNIPPETS: readonly (readonly number[])[] = [
  // an empty loop
  [0x03, 0x40, 0x0b],
  // a counted loop, bound in a declared local: $i = 0; $n = $x & 7; do $acc += $i while (++$i < $n)
  [0x41, 0x00, 0x21, 0x02, 0x20, 0x00, 0x41, 0x07, 0x71, 0x21, 0x03,
    0x03, 0x40, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x21, 0x01,
    0x20, 0x02, 0x41, 0x01, 0x6a, 0x22, 0x02, 0x20, 0x03, 0x49, 0x0d, 0x00, 0x0b],
  // if ($acc & 1) { $acc *= 3 (six times): an arm with its own charge } else { $acc += 1 }
  [0x20, 0x01, 0x41, 0x01, 0x71, 0x04, 0x40,
    ...Array.from({ length: 6 }, () => [0x20, 0x01, 0x41, 0x03, 0x6c, 0x21, 0x01]).flat(),
    0x05, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0b],
  // $acc = leaf($acc) (the call index is patched in: see LEAF_CALL)
  [0x20, 0x01, 0x10, 0x00, 0x21, 0x01],
  // memory.fill(0, $acc, $acc & 255); $acc += load8_u(7)
  [0x41, 0x00, 0x20, 0x01, 0x20, 0x01, 0x41, 0xff, 0x01, 0x71, 0xfc, 0x0b, 0x00,
    0x20, 0x01, 0x41, 0x00, 0x2d, 0x00, 0x07, 0x6a, 0x21, 0x01],
  // $f = f64($acc) / 3; store it at 64; $acc ^= load(64)
  [0x20, 0x01, 0xb7, 0x44, 0, 0, 0, 0, 0, 0, 0x08, 0x40, 0xa3, 0x21, 0x04,
    0x41, 0xc0, 0x00, 0x20, 0x04, 0x39, 0x03, 0x00,
    0x20, 0x01, 0x41, 0xc0, 0x00, 0x28, 0x02, 0x00, 0x73, 0x21, 0x01],
  // br_table over three nested blocks on $acc & 3: +11 and/or -5
  [0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0x01, 0x41, 0x03, 0x71, 0x0e, 0x03, 0x00, 0x01, 0x02, 0x02, 0x0b,
    0x20, 0x01, 0x41, 0x0b, 0x6a, 0x21, 0x01, 0x0b, 0x20, 0x01, 0x41, 0x05, 0x6b, 0x21, 0x01, 0x0b],
];
/** Index in SNIPPETS of the call, and of the callee byte in it. */
const LEAF_CALL = 3;
const LEAF_CALLEE_AT = 3;

/** Most snippet bytes per filler body, well under admission's maxFunctionBodyBytes. */
const FILLER_BYTES = 128 * 1024;

// Function indices: the 7 ABI functions, run, leaf, then the fillers.
const RUN = 7;
const LEAF = 8;
const FIRST_FILLER = 9;

/** The first `count` snippets of the stream `seed` chooses. */
function snippets(seed: number, count: number): number[] {
  const rand = prng(seed);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor(rand() * SNIPPETS.length));
  return out;
}

class Bytes {
  private buf = new Uint8Array(1 << 16);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
  }

  u32(n: number): void {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
  }

  name(s: string): void {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  section(id: number, payload: Bytes): void {
    this.byte(id);
    this.u32(payload.length);
    this.bytes(payload.view());
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

function body(code: Bytes, locals: readonly (readonly [number, number])[]): Bytes {
  const b = new Bytes();
  b.u32(locals.length);
  for (const [n, t] of locals) {
    b.u32(n);
    b.byte(t);
  }
  b.bytes(code.view());
  b.byte(0x0b);
  return b;
}

const ABI_EXPORTS = ["rf_abi_version", "rf_event_buffer", "rf_start", "rf_on_market", "rf_on_order", "rf_on_timer", "rf_stop"];

/** The module of the first `count` snippets of stream `seed`. Deterministic. */
export function workloadModule(seed: number, count: number): Uint8Array {
  const fillers: Bytes[] = [];
  let code = new Bytes();
  for (const s of snippets(seed, count)) {
    if (code.length > FILLER_BYTES) {
      fillers.push(code);
      code = new Bytes();
    }
    if (s === LEAF_CALL) {
      const call = [...SNIPPETS[s]];
      call[LEAF_CALLEE_AT] = LEAF;
      code.bytes(call);
    } else {
      code.bytes(SNIPPETS[s]);
    }
  }
  fillers.push(code);

  const types = new Bytes(); // 0: () -> i32, 1: () -> (), 2: (i32) -> i32
  types.bytes([3, 0x60, 0, 1, 0x7f, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f]);
  const funcs = new Bytes();
  funcs.u32(FIRST_FILLER + fillers.length);
  funcs.bytes([0, 0, 1, 1, 1, 1, 1, 2, 2]);
  for (let i = 0; i < fillers.length; i++) funcs.byte(2);
  const memory = new Bytes();
  memory.bytes([1, 1, 1, 1]); // one memory, 1 page, max 1
  const exports = new Bytes();
  exports.u32(ABI_EXPORTS.length + 2);
  ABI_EXPORTS.forEach((n, i) => {
    exports.name(n);
    exports.bytes([0, i]);
  });
  exports.name("run");
  exports.bytes([0, RUN]);
  exports.name("memory");
  exports.bytes([2, 0]);

  const bodies: Bytes[] = [];
  const plain = (bs: number[]) => {
    const c = new Bytes();
    c.bytes(bs);
    return body(c, []);
  };
  bodies.push(plain([0x41, 1]), plain([0x41, 0x80, 0x08])); // abi version 1, event buffer at 1024
  for (let i = 0; i < 5; i++) bodies.push(plain([]));
  const run = new Bytes(); // $acc ^= filler_i($x) for every filler; $acc
  for (let i = 0; i < fillers.length; i++) {
    run.bytes([0x20, 0x01, 0x20, 0x00, 0x10]);
    run.u32(FIRST_FILLER + i);
    run.bytes([0x73, 0x21, 0x01]);
  }
  run.bytes([0x20, 0x01]);
  bodies.push(body(run, [[1, 0x7f]]));
  const leaf = new Bytes(); // rotl($k, 5) + 0x9e37
  leaf.bytes([0x20, 0x00, 0x41, 0x05, 0x77, 0x41, 0xb7, 0xbc, 0x02, 0x6a]);
  bodies.push(body(leaf, []));
  for (const f of fillers) {
    f.bytes([0x20, 0x01]);
    bodies.push(body(f, [[3, 0x7f], [1, 0x7c]]));
  }
  const codeSection = new Bytes();
  codeSection.u32(bodies.length);
  for (const b of bodies) {
    codeSection.u32(b.length);
    codeSection.bytes(b.view());
  }

  const module = new Bytes();
  module.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  module.section(1, types);
  module.section(3, funcs);
  module.section(5, memory);
  module.section(7, exports);
  module.section(10, codeSection);
  return module.view().slice();
}

/**
 * The largest snippet count of stream `seed` whose module `work` puts at or
 * under `limit` (work grows with the count). Binary search: ~20 modules.
 */
export function largestCountWithin(seed: number, limit: number, work: (bytes: Uint8Array) => number): number {
  let lo = 0;
  let hi = 1;
  while (work(workloadModule(seed, hi)) <= limit) hi *= 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (work(workloadModule(seed, mid)) <= limit) lo = mid;
    else hi = mid;
  }
  return lo;
}
