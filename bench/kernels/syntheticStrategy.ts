/**
 * A large, deterministic, ABI-conforming strategy module for `bench
 * admission`: `functions` generated functions (loops, branches, br_table,
 * i32/i64/f64 arithmetic, loads and stores, memory.fill/copy, host calls,
 * calls to earlier functions) behind the v1 exports. Same seed → same WAT →
 * same bytes. Admission admits it and the metering rewrite has something of
 * everything to rewrite.
 */
import { HOST_CALL_BY_NAME, type HostCallSpec } from "../../host/abi/callTable.ts";
import { IMPORT_NAMESPACE } from "../../host/abi/version.ts";
import { watToWasm } from "./wat.ts";

/** splitmix32; deterministic, no Math.random. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const USED_HOST_CALLS = ["event_time", "log", "read_position"] as const;

function importLine(spec: HostCallSpec): string {
  const params = spec.params.length ? ` (param ${spec.params.join(" ")})` : "";
  const results = spec.results.length ? ` (result ${spec.results.join(" ")})` : "";
  return `(import "${IMPORT_NAMESPACE}" "${spec.name}" (func $${spec.name}${params}${results}))`;
}

/** Scratch memory the generated code touches: [4096, 4096 + 64 KiB). Event buffer at 1024. */
const SCRATCH = 4096;

function generatedFunction(index: number, next: () => number, exported: boolean): string {
  const k = () => next() % 1000;
  const ptr = (local: string) => `(i32.add (i32.const ${SCRATCH}) (i32.and (local.get ${local}) (i32.const 0xfff8)))`;
  const parts: string[] = [];
  const pieces = 6 + (next() % 6);
  for (let p = 0; p < pieces; p++) {
    const label = `${index}_${p}`;
    switch (next() % 9) {
      case 0:
        parts.push(`(local.set $i (i32.const 0))
    (block $exit${label} (loop $loop${label}
      (br_if $exit${label} (i32.ge_u (local.get $i) (i32.and (local.get $p0) (i32.const 63))))
      (local.set $a (i32.add (local.get $a) (i32.mul (local.get $i) (i32.const ${k()}))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop${label})))`);
        break;
      case 1:
        parts.push(`(i32.store offset=${8 * (next() % 64)} ${ptr("$a")} (local.get $b))
    (local.set $c (i32.xor (local.get $c) (i32.load offset=${8 * (next() % 64)} ${ptr("$p1")})))`);
        break;
      case 2:
        parts.push(`(local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.${k()})) (f64.convert_i32_s (local.get $a))))
    (f64.store offset=${8 * (next() % 64)} ${ptr("$c")} (f64.sqrt (f64.abs (local.get $x))))`);
        break;
      case 3:
        parts.push(`(local.set $w (i64.xor (i64.mul (local.get $w) (i64.const ${next()})) (i64.extend_i32_u (local.get $a))))
    (local.set $b (i32.add (local.get $b) (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 29)))))`);
        break;
      case 4:
        if (index > 0) {
          parts.push(`(local.set $a (i32.add (local.get $a) (call $f${next() % index} (local.get $b) (i32.const ${k()}))))`);
        } else {
          parts.push(`(local.set $a (i32.rotl (local.get $a) (i32.const ${1 + (next() % 31)})))`);
        }
        break;
      case 5:
        parts.push(`(if (i32.lt_s (local.get $a) (local.get $b))
      (then (local.set $c (i32.sub (local.get $c) (i32.shl (local.get $a) (i32.const 2)))))
      (else (local.set $c (i32.add (local.get $c) (i32.div_u (local.get $b) (i32.or (local.get $a) (i32.const 1)))))))`);
        break;
      case 6:
        parts.push(`(block $d2_${label} (block $d1_${label} (block $d0_${label}
      (br_table $d0_${label} $d1_${label} $d2_${label} (i32.and (local.get $c) (i32.const 3))))
      (local.set $a (i32.add (local.get $a) (i32.const ${k()}))))
      (local.set $b (i32.mul (local.get $b) (i32.const ${k() | 1}))))`);
        break;
      case 7:
        parts.push(`(memory.fill ${ptr("$b")} (i32.const ${next() % 256}) (i32.and (local.get $a) (i32.const 255)))
    (memory.copy ${ptr("$c")} ${ptr("$a")} (i32.const ${8 * (next() % 16)}))`);
        break;
      default:
        parts.push(`(local.set $c (i32.add (local.get $c) (call $event_time (i32.const 1024))))`);
        break;
    }
  }
  return `(func $f${index} ${exported ? `(export "f${index}") ` : ""}(param $p0 i32) (param $p1 i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $w i64) (local $x f64)
    (local.set $a (local.get $p0)) (local.set $b (local.get $p1)) (local.set $c (i32.const ${k()}))
    ${parts.join("\n    ")}
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.xor (local.get $c) (i32.wrap_i64 (local.get $w)))))`;
}

/** WAT of the synthetic strategy; each generated $fN for which `exported(N)` holds is also exported as "fN" (for tests). */
export function syntheticStrategyWat(seed: number, functions: number, exported: (index: number) => boolean = () => false): string {
  const next = prng(seed);
  const imports = USED_HOST_CALLS.map((n) => importLine(HOST_CALL_BY_NAME.get(n)!)).join("\n  ");
  const bodies: string[] = [];
  for (let i = 0; i < functions; i++) bodies.push(generatedFunction(i, next, exported(i)));
  const last = functions - 1;
  return `(module
  ${imports}
  (memory (export "memory") 2 16)
  (global $state (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start") (global.set $state (call $f${last} (i32.const 1) (i32.const 2))))
  (func (export "rf_on_market") (global.set $state (call $f${last} (global.get $state) (i32.load (i32.const 1048)))))
  (func (export "rf_on_order") (global.set $state (call $f${Math.floor(last / 2)} (global.get $state) (i32.const 3))))
  (func (export "rf_on_timer") (drop (call $log (i32.const 1) (i32.const 2048) (i32.const 4))))
  (func (export "rf_stop") (drop (call $read_position (i32.const 0) (i32.const 2048))))
  (data (i32.const 2048) "done")
  ${bodies.join("\n  ")}
)`;
}

/** Default size: ~100 KB of wasm (measured: 340 functions, seed 1 → 100.8 KB). */
export const SYNTHETIC_SEED = 1;
export const SYNTHETIC_FUNCTIONS = 340;

/** The module `bench admission` measures. Deterministic. */
export function syntheticStrategyBytes(seed = SYNTHETIC_SEED, functions = SYNTHETIC_FUNCTIONS): Uint8Array {
  return watToWasm(syntheticStrategyWat(seed, functions));
}
