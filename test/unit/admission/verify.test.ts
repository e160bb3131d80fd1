import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOST_CALLS } from "../../../host/abi/callTable.ts";
import { admissionLimits, type AdmissionLimits } from "../../../host/admission/limits.ts";
import { ALL_ADMISSION_CODES, verifyModule, type AdmissionResult } from "../../../host/admission/verify.ts";
import {
  assemble, body, limits, minimalStrategyWat, name, s32, Section, strategyBytes, strategySections, strategyWat, Type, u32, vec, wat,
} from "../../fixtures/wat.ts";
import { testSeed } from "../../support/seed.ts";

interface Case {
  readonly bytes: () => Uint8Array;
  readonly limits?: Partial<AdmissionLimits>;
  /** Something the (first) message for the code must say. */
  readonly message?: RegExp;
  /** Codes that necessarily come with this one. */
  readonly alsoReports?: readonly string[];
}

const minimal = () => wat(minimalStrategyWat);
const withExtra = (extra: string) => () => wat(strategyWat({ extra }));

/**
 * One case per reason code. Each module breaks exactly one rule, so the case
 * also checks that nothing else is reported (apart from `invalid`, which this
 * Node's V8 adds for proposals it does not know, e.g. GC or memory64).
 */
const CASES: Record<string, Case> = {
  empty_module: { bytes: () => new Uint8Array(0), message: /empty \(0 bytes\)/ },
  module_too_large: {
    // Size is checked before anything else: these bytes are not even wasm.
    bytes: () => new Uint8Array(100).fill(0xff),
    limits: { maxModuleBytes: 99 },
    message: /100 bytes, over the 99-byte limit \(maxModuleBytes\)/,
  },
  not_wasm: { bytes: () => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), message: /starts with 7f 45 4c 46/ },
  unsupported_version: {
    bytes: () => new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]),
    message: /version 0d 00 01 00 \(a component, not a core module\)/,
  },
  truncated: { bytes: () => minimal().subarray(0, minimal().length - 3), message: /^module is truncated: the code section at byte \d+ declares \d+ bytes, only \d+ remain$/ },
  invalid: {
    // i32.add with nothing on the stack.
    bytes: () => strategyBytes({ bodies: { rf_start: [0x6a, 0x1a] } }),
    message: /Compiling function #\d+.*failed/,
  },
  import_not_function: { bytes: () => strategyBytes({ memory: "import" }), message: /import ringfence\.memory is a memory/ },
  import_namespace: {
    bytes: () => wat(strategyWat({ imports: `(import "env" "abort" (func (param i32 i32 i32 i32)))` })),
    message: /import env\.abort is outside the "ringfence" namespace/,
  },
  unknown_import: {
    bytes: () => wat(strategyWat({ imports: `(import "ringfence" "open_socket" (func))` })),
    message: /ringfence\.open_socket is not a ringfence host call \(known: submit_order,/,
  },
  import_signature: {
    bytes: () => wat(strategyWat({ imports: `(import "ringfence" "log" (func (param i32 i32) (result i32)))` })),
    message: /ringfence\.log has signature \(i32, i32\) -> i32, expected \(i32, i32, i32\) -> i32/,
  },
  too_many_imports: {
    bytes: () => wat(strategyWat({
      imports: `(import "ringfence" "log" (func (param i32 i32 i32) (result i32)))
                (import "ringfence" "cancel_order" (func (param i32) (result i32)))`,
    })),
    limits: { maxImports: 1 },
    message: /2 imports, over the limit of 1 \(maxImports\)/,
  },
  missing_export: { bytes: () => wat(strategyWat({ omitExports: ["rf_on_timer"] })), message: /missing export rf_on_timer: expected a function \(\) -> \(\)/ },
  export_signature: {
    bytes: () => wat(strategyWat({ omitExports: ["rf_abi_version"], extra: `(func (export "rf_abi_version") (result i64) (i64.const 1))` })),
    message: /export rf_abi_version has signature \(\) -> i64, expected \(\) -> i32/,
  },
  missing_memory_export: { bytes: () => wat(strategyWat({ memory: "(memory $memory 1 16)" })), message: /not exported as "memory"/ },
  reserved_export: { bytes: withExtra(`(global (export "__rf_fuel") (mut i32) (i32.const 0))`), message: /__rf_fuel uses the prefix "__rf_"/ },
  too_many_exports: { bytes: minimal, limits: { maxExports: 7 }, message: /8 exports, over the limit of 7/ },
  no_memory: { bytes: () => wat(strategyWat({ memory: "" })), message: /no memory/ },
  memory_too_large: {
    bytes: () => wat(strategyWat({ memory: `(memory $memory (export "memory") 300 400)` })),
    message: /starts at 300 pages, over the cap of 256 pages \(maxMemoryPages\)/,
  },
  data_out_of_bounds: { bytes: withExtra(`(data (i32.const 65530) "0123456789")`), message: /10 bytes at 65530.*65536 bytes/ },
  too_many_functions: { bytes: minimal, limits: { maxFunctions: 6 }, message: /7 functions, over the limit of 6/ },
  too_many_locals: {
    bytes: withExtra(`(func (local i32 i32 i64) (local f64 f64 f32))`),
    limits: { maxLocalsPerFunction: 5 },
    message: /function 7 declares 6 locals, over the limit of 5/,
  },
  too_many_params: {
    bytes: withExtra(`(func (param i32 i32 i32 i32 i32))`),
    limits: { maxParamsPerFunction: 4 },
    message: /function 7 takes 5 parameters, over the limit of 4/,
  },
  too_many_globals: { bytes: withExtra(`(global i32 (i32.const 0)) (global i32 (i32.const 1))`), limits: { maxGlobals: 1 }, message: /2 globals/ },
  too_many_table_elements: { bytes: withExtra(`(table 10 funcref)`), limits: { maxTableElements: 5 }, message: /table of 10 elements/ },
  too_many_data_segments: {
    bytes: withExtra(`(data (i32.const 0) "a") (data (i32.const 8) "b")`),
    limits: { maxDataSegments: 1 },
    message: /2 data segments, over the limit of 1/,
  },
  data_too_large: { bytes: withExtra(`(data (i32.const 0) "0123456789")`), limits: { maxDataBytes: 9 }, message: /10 bytes of data segments/ },
  element_out_of_bounds: { bytes: withExtra(`(table 2 funcref) (elem (i32.const 1) func $rf_stop $rf_stop)`), message: /element segment 0 \(2 entries at 1\) ends past the table's initial size \(2\)/ },
  too_many_locals_total: {
    bytes: withExtra(`(func (local i32 i32 i32)) (func (local i64 i64 i64))`),
    limits: { maxTotalLocals: 5 },
    message: /6 locals in all functions together, over the limit of 5 \(maxTotalLocals\)/,
  },
  too_many_types: { bytes: minimal, limits: { maxTypes: 1 }, message: /\d+ function types, over the limit of 1 \(maxTypes\)/ },
  too_many_results: {
    bytes: withExtra(`(func (result i32 i32 i32) (i32.const 1) (i32.const 2) (i32.const 3))`),
    limits: { maxResultsPerType: 2 },
    message: /type \d+ has 3 results, over the limit of 2 \(maxResultsPerType\)/,
  },
  function_too_large: {
    bytes: withExtra(`(func (drop (i32.const 100000000)))`),
    limits: { maxFunctionBodyBytes: 5 },
    message: /the body of function 7 is 8 bytes, over the limit of 5 \(maxFunctionBodyBytes\)/,
  },
  // Features.
  threads: { bytes: withExtra(`(func (drop (i32.atomic.load (i32.const 0))))`), message: /uses atomics.*function 7/ },
  shared_memory: { bytes: () => strategyBytes({ memory: limits(1, 16, 0x02) }), message: /memory 0 is shared/ },
  simd: { bytes: withExtra(`(func (drop (v128.const i32x4 0 0 0 0)))`), message: /NaN canonicalization/ },
  relaxed_simd: {
    bytes: withExtra(`(func (drop (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0))))`),
    message: /non-deterministic/,
    alsoReports: ["simd"], // a relaxed instruction needs a v128 from somewhere
  },
  exception_handling: { bytes: withExtra(`(tag $t) (func (throw $t))`), message: /call-depth accounting/ },
  tail_calls: { bytes: withExtra(`(func $tc (return_call $tc))`), message: /return_call in function 7/ },
  reference_types: { bytes: withExtra(`(func (param externref))`), message: /externref/ },
  table_bulk_ops: { bytes: withExtra(`(table 2 funcref) (elem $e func $rf_stop) (func (elem.drop $e))`), message: /elem\.drop/ },
  multi_memory: { bytes: () => wat(strategyWat({ memory: `(memory $memory (export "memory") 1 16) (memory $second 1 1)` })), message: /2 memories/ },
  memory64: { bytes: () => wat(strategyWat({ memory: `(memory $memory (export "memory") i64 1 16)` })), message: /memory 0 is 64-bit/ },
  gc: { bytes: withExtra(`(type $s (struct (field i32))) (func (drop (struct.new $s (i32.const 1))))`), message: /GC/ },
  stringref: { bytes: withExtra(`(func (drop (string.const "x")))`), message: /stringref/ },
  extended_const: { bytes: withExtra(`(global $g i32 (i32.add (i32.const 1) (i32.const 2)))`), message: /arithmetic in global 0/ },
  // 0xfc 0x13 is i64.add128 (wide arithmetic), a proposal admission does not know.
  unsupported_feature: { bytes: () => strategyBytes({ bodies: { rf_start: [0xfc, 0x13] } }), message: /opcode 0xfc 19/ },
  internal: { bytes: () => null as unknown as Uint8Array, message: /failed internally/ },
};

/** tsconfig has no DOM lib, so the WebAssembly global is untyped here. */
const wasmValidate = (bytes: Uint8Array): boolean =>
  (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

function verify(bytes: Uint8Array, overrides?: Partial<AdmissionLimits>): AdmissionResult {
  return verifyModule(bytes, overrides ? admissionLimits(overrides) : undefined);
}

function codes(r: AdmissionResult): string[] {
  return r.reasons.map((x) => x.code);
}

describe("verifyModule: one case per reason code", () => {
  it("has a case for every code, and no case for an unknown code", () => {
    expect(Object.keys(CASES).sort()).toEqual([...ALL_ADMISSION_CODES].sort());
  });

  for (const [code, c] of Object.entries(CASES)) {
    it(`${code}`, () => {
      const r = verify(c.bytes(), c.limits);
      expect(r.admitted).toBe(false);
      const got = codes(r).filter((x) => x !== "invalid" || code === "invalid");
      expect([...new Set(got)].sort(), JSON.stringify(r.reasons)).toEqual([code, ...(c.alsoReports ?? [])].sort());
      const reason = r.reasons.find((x) => x.code === code)!;
      if (c.message) expect(reason.message).toMatch(c.message);
      for (const x of r.reasons) {
        expect(x.code).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(x.message).not.toMatch(/[\n\r]/);
      }
    });
  }
});

describe("verifyModule: admitted modules", () => {
  it("admits the minimal ABI module with no notes and reports its memory and code id", () => {
    const bytes = minimal();
    const r = verifyModule(bytes);
    expect(r).toEqual({
      admitted: true,
      codeId: createHash("sha256").update(bytes).digest("hex"),
      reasons: [],
      notes: [],
      memory: { initialPages: 1, maxPages: 16 },
      hasStart: false,
    });
  });

  it("admits the hand-built equivalent", () => {
    expect(verifyModule(strategyBytes()).admitted).toBe(true);
  });

  it("admits every host call imported with its exact signature", () => {
    const imports = HOST_CALLS.map((c) => {
      const params = c.params.length ? `(param ${c.params.join(" ")})` : "";
      const results = c.results.length ? `(result ${c.results.join(" ")})` : "";
      return `(import "ringfence" "${c.name}" (func ${params} ${results}))`;
    }).join("\n");
    const r = verifyModule(wat(strategyWat({ imports })));
    expect(r.reasons).toEqual([]);
    expect(r.admitted).toBe(true);
  });

  it("reports each bad import, not just the first", () => {
    const r = verifyModule(wat(strategyWat({
      imports: `(import "ringfence" "log" (func (param i32) (result i32)))
                (import "ringfence" "submit_order" (func (param i32)))`,
    })));
    expect(r.reasons.map((x) => x.message)).toEqual([
      "import ringfence.log has signature (i32) -> i32, expected (i32, i32, i32) -> i32",
      "import ringfence.submit_order has signature (i32) -> (), expected (i32) -> i32",
    ]);
  });

  it("rejects table and global imports as well as memory imports", () => {
    for (const imp of [`(import "ringfence" "t" (table 1 funcref))`, `(import "ringfence" "g" (global i32))`]) {
      expect(codes(verifyModule(wat(strategyWat({ imports: imp }))))).toEqual(["import_not_function"]);
    }
  });

  it("admits a missing or too-large memory maximum with a note, and keeps the declared value", () => {
    const noMax = verifyModule(wat(strategyWat({ memory: `(memory $memory (export "memory") 2)` })));
    expect(noMax.admitted).toBe(true);
    expect(noMax.notes).toEqual(["memory maximum imposed: 256 pages"]);
    expect(noMax.memory).toEqual({ initialPages: 2, maxPages: null });

    const big = verifyModule(wat(strategyWat({ memory: `(memory $memory (export "memory") 1 1000)` })), admissionLimits({ maxMemoryPages: 32 }));
    expect(big.admitted).toBe(true);
    expect(big.notes).toEqual(["memory maximum imposed: 32 pages"]);
    expect(big.memory).toEqual({ initialPages: 1, maxPages: 1000 });

    const atCap = verifyModule(wat(strategyWat({ memory: `(memory $memory (export "memory") 256 256)` })));
    expect(atCap.admitted).toBe(true);
    expect(atCap.notes).toEqual([]);
  });

  it("admits a start function and sets hasStart", () => {
    const r = verifyModule(wat(strategyWat({ extra: `(global $g (mut i32) (i32.const 0)) (func $init (global.set $g (i32.const 7))) (start $init)` })));
    expect(r.admitted).toBe(true);
    expect(r.hasStart).toBe(true);
    expect(r.notes).toEqual(["start function 7 runs as __rf_init under the fuel budget"]);
  });

  it("admits every allowed feature: sign extension, saturating truncation, bulk memory, multi-value, MVP tables", () => {
    const extra = `
      (type $pair (func (result i32 i32)))
      (table 4 funcref)
      (elem (i32.const 1) $sx $pairf)
      (global $counter (export "counter") (mut i32) (i32.const 0))
      (data $d "abc")
      (func $sx (result i32) (i32.extend8_s (i32.const 255)))
      (func $sat (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
      (func $bulk
        (memory.fill (i32.const 0) (i32.const 1) (i32.const 16))
        (memory.copy (i32.const 32) (i32.const 0) (i32.const 16))
        (memory.init $d (i32.const 64) (i32.const 0) (i32.const 3))
        (data.drop $d))
      (func $pairf (type $pair) (i32.const 1) (i32.const 2))
      (func $mv (result i32)
        (block $b (type $pair) (call $pairf))
        (i32.add))
      (func $ind (result i32) (call_indirect (type $pair) (i32.const 2)) (drop))
    `;
    const r = verifyModule(wat(strategyWat({ extra })));
    expect(r.reasons).toEqual([]);
    expect(r.admitted).toBe(true);
  });

  it("refuses a table when reference-type instructions use it, under reference_types", () => {
    for (const extra of [
      `(table 1 funcref) (func (drop (table.size)))`,
      `(table 1 funcref) (func $f (drop (ref.func $f)))`,
      `(table 1 funcref) (table 1 funcref)`,
    ]) {
      expect(codes(verifyModule(wat(strategyWat({ extra })))), extra).toEqual(["reference_types"]);
    }
  });

  it("reports plain SIMD and relaxed SIMD both when a function uses relaxed SIMD", () => {
    const r = verifyModule(CASES.relaxed_simd.bytes());
    expect(codes(r).filter((c) => c !== "invalid")).toEqual(["simd", "relaxed_simd"]);
  });

  it("admits AssemblyScript 0.28 output with default features (-O0, -O3, -Oz with the minimal runtime)", async () => {
    const { default: asc } = await import("assemblyscript/asc");
    const source = `
      @external("ringfence", "abort") declare function hostAbort(m: usize, f: usize, l: u32, c: u32): void;
      @external("ringfence", "log") declare function hostLog(level: i32, ptr: usize, len: i32): i32;
      export function myAbort(m: string | null, f: string | null, l: u32, c: u32): void {
        hostAbort(changetype<usize>(m), changetype<usize>(f), l, c); unreachable();
      }
      const buffer = new ArrayBuffer(64);
      const counts = new Map<i32, i64>();
      const samples: f64[] = [];
      export function rf_abi_version(): i32 { return 1; }
      export function rf_event_buffer(): usize { return changetype<usize>(buffer); }
      export function rf_start(): void {}
      export function rf_on_market(): void {
        const k = load<i32>(changetype<usize>(buffer));
        counts.set(k, (counts.has(k) ? counts.get(k) : 0) + 1);
        samples.push(Math.sqrt(<f64>k) + <f64>(<i8>k));
        samples.sort();
        const s = "n=" + counts.size.toString() + " " + samples[0].toString();
        const utf8 = String.UTF8.encode(s);
        hostLog(1, changetype<usize>(utf8), utf8.byteLength);
      }
      export function rf_on_order(): void {}
      export function rf_on_timer(): void {}
      export function rf_stop(): void {}
    `;
    for (const flags of [[], ["-O3"], ["-Oz", "--runtime", "minimal"]]) {
      let wasm: Uint8Array | undefined;
      const { error, stderr } = await asc.main(["strategy.ts", "--outFile", "strategy.wasm", "--use", "abort=strategy/myAbort", ...flags], {
        readFile: (n: string) => (n === "strategy.ts" ? source : null),
        writeFile: (n: string, contents: string | Uint8Array) => { if (n === "strategy.wasm" && typeof contents !== "string") wasm = contents; },
        listFiles: () => [],
      });
      expect(error, stderr.toString()).toBeNull();
      const r = verifyModule(wasm!);
      expect(r.reasons, flags.join(" ")).toEqual([]);
      expect(r.admitted).toBe(true);
      expect(r.hasStart).toBe(true); // AS initializes its globals in a start function
    }
  });
});

describe("verifyModule: header and truncation", () => {
  it("calls a strict prefix of the header truncated, and a wrong prefix not_wasm", () => {
    expect(codes(verifyModule(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01])))).toEqual(["truncated"]);
    expect(codes(verifyModule(new Uint8Array([0x00, 0x61])))).toEqual(["truncated"]);
    expect(codes(verifyModule(new Uint8Array([0x00, 0x62])))).toEqual(["not_wasm"]);
    expect(codes(verifyModule(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0])))).toEqual(["unsupported_version"]);
  });

  it("calls a module cut inside a section truncated, and never admits any strict prefix", () => {
    const bytes = minimal();
    const seen = new Set<string>();
    for (let len = 1; len < bytes.length; len++) {
      const r = verifyModule(bytes.subarray(0, len));
      expect(r.admitted, `prefix of ${len} bytes`).toBe(false);
      for (const c of codes(r)) seen.add(c);
    }
    expect(seen.has("truncated")).toBe(true);
  });

  it("calls a section whose size overruns the buffer truncated even when the size field itself is whole", () => {
    const bytes = assemble(strategySections(), [Section.custom, ...u32(100), ...name("x")]);
    const r = verifyModule(bytes);
    expect(codes(r)).toEqual(["truncated"]);
    expect(r.reasons[0].message).toMatch(/the custom section at byte \d+ declares 100 bytes, only 2 remain/);
  });

  it("flags an unknown section id (fail closed)", () => {
    const bytes = assemble(strategySections(), [0x20, ...u32(1), 0]);
    expect(codes(verifyModule(bytes))).toContain("unsupported_feature");
  });
});

describe("verifyModule: never throws", () => {
  it("on random bytes, with or without a wasm header", () => {
    const seed = testSeed("admission random bytes");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, header) => {
        const bytes = header ? new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...tail]) : tail;
        const r = verifyModule(bytes);
        expect(r.codeId).toMatch(/^[0-9a-f]{64}$/);
        if (r.admitted) expect(wasmValidate(bytes)).toBe(true);
        else expect(r.reasons.length).toBeGreaterThan(0);
        for (const x of r.reasons) expect(x.message).not.toMatch(/[\n\r]/);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it("on single-byte mutations of admitted modules; an admitted mutant always validates", () => {
    const seed = testSeed("admission mutations");
    const bases = [minimal(), strategyBytes(), wat(strategyWat({
      imports: `(import "ringfence" "log" (func (param i32 i32 i32) (result i32)))`,
      extra: `(table 2 funcref) (elem (i32.const 0) $rf_stop) (data (i32.const 8) "hello") (global (mut i32) (i32.const 3))
              (func (param i32) (result i32) (block (result i32) (br_table 0 0 (local.get 0) (local.get 0))))`,
    }))];
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, at, value) => {
        const bytes = bases[which].slice();
        bytes[at % bytes.length] = value;
        const r = verifyModule(bytes);
        if (r.admitted) expect(wasmValidate(bytes)).toBe(true);
        else expect(r.reasons.length).toBeGreaterThan(0);
      }),
      { seed, numRuns: 3000 },
    );
  });

  it("on inputs that are not bytes at all", () => {
    for (const junk of [null, undefined, 42, "wasm", {}, [0, 97, 115, 109]]) {
      const r = verifyModule(junk as unknown as Uint8Array);
      expect(r.admitted).toBe(false);
      expect(r.reasons.length).toBeGreaterThan(0);
    }
  });
});

describe("verifyModule: hand-built encodings", () => {
  it("admits a multi-value block typed by index and refuses a v128 block type", () => {
    // block (type 0) — type 0 is () -> i32 — i32.const 1 end drop
    const byIndex = strategyBytes({ bodies: { rf_start: [0x02, 0x00, 0x41, 1, 0x0b, 0x1a] } });
    expect(wasmValidate(byIndex)).toBe(true);
    expect(verifyModule(byIndex).reasons).toEqual([]);
    const simdBlock = strategyBytes({ bodies: { rf_start: [0x02, Type.v128, 0xfd, 0x0c, ...new Array(16).fill(0), 0x0b, 0x1a] } });
    expect(codes(verifyModule(simdBlock))).toEqual(["simd"]);
  });

  it("refuses a passive element segment (only table.init could use it) under table_bulk_ops", () => {
    const r = verifyModule(wat(strategyWat({ extra: `(table 2 funcref) (elem $p func $rf_stop)` })));
    expect(r.admitted).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual(["table_bulk_ops"]);
    expect(r.reasons[0].message).toMatch(/element segment 0 is passive/);
  });

  it("refuses too many types before V8 validates the module", () => {
    // The functions now name types with other signatures, so V8 would refuse the module: reaching too_many_types shows the count was checked first.
    const sections = strategySections();
    sections[Section.type] = vec(Array.from({ length: 40 }, (_, i) => [0x60, ...vec(Array.from({ length: i % 8 }, () => [Type.i32])), 0]));
    const r = verifyModule(assemble(sections), admissionLimits({ maxTypes: 39 }));
    expect(r.reasons.map((x) => x.code)).toEqual(["too_many_types"]);
  });

  it("admits an explicit table-0 element segment with ref.func items (bulk-memory encoding)", () => {
    const sections = strategySections();
    sections[Section.table] = vec([[Type.funcref, ...limits(2)]]);
    // flags 4: active on table 0, items as expressions.
    sections[Section.element] = vec([[4, 0x41, ...s32(0), 0x0b, ...vec([[0xd2, ...u32(2), 0x0b], [0xd0, Type.funcref, 0x0b]])]]);
    const bytes = assemble(sections);
    expect(wasmValidate(bytes)).toBe(true);
    expect(verifyModule(bytes).reasons).toEqual([]);
  });

  it("counts locals across local groups", () => {
    const sections = strategySections();
    sections[Section.code] = vec([
      body([], [0x41, 1]), body([], [0x41, ...s32(1024)]),
      body([[3, Type.i32], [4, Type.f64]], []), body([], []), body([], []), body([], []), body([], []),
    ]);
    const r = verifyModule(assemble(sections), admissionLimits({ maxLocalsPerFunction: 6 }));
    expect(r.reasons).toEqual([{ code: "too_many_locals", message: "function 2 declares 7 locals, over the limit of 6 (maxLocalsPerFunction)" }]);
  });
});
