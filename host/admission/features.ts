/**
 * The wasm feature allowlist. Admitted: MVP, mutable-globals, sign-extension,
 * non-trapping float-to-int, bulk memory (memory ops only), multi-value —
 * exactly what AssemblyScript 0.28 emits by default plus multi-value. Every
 * other proposal is refused under its own reason code, listed here with the
 * one-line why that ends up in the rejection message. docs/admission.md
 * explains each decision at length.
 *
 * The allowlist is enforced by our own scanner, never by "whatever V8
 * accepts": each Node release enables more proposals in WebAssembly.validate,
 * and the policy must not drift with the engine.
 */
export const RefusedFeature = {
  threads: "threads",
  sharedMemory: "shared_memory",
  simd: "simd",
  relaxedSimd: "relaxed_simd",
  exceptionHandling: "exception_handling",
  tailCalls: "tail_calls",
  referenceTypes: "reference_types",
  tableBulkOps: "table_bulk_ops",
  multiMemory: "multi_memory",
  memory64: "memory64",
  gc: "gc",
  stringref: "stringref",
  extendedConst: "extended_const",
  /** Fail closed: an opcode, section, type or flag the scanner does not know. */
  unsupported: "unsupported_feature",
} as const;
export type RefusedFeature = (typeof RefusedFeature)[keyof typeof RefusedFeature];

/** Why each feature is refused; appended to the rejection message. */
export const FEATURE_REFUSAL: Readonly<Record<RefusedFeature, string>> = Object.freeze({
  threads: "atomics and shared state make a run non-deterministic",
  shared_memory: "shared memory is state outside the sandbox's control and a source of non-determinism",
  simd: "SIMD is refused to keep NaN canonicalization and the metering surface small",
  relaxed_simd: "relaxed SIMD results differ between CPUs (non-deterministic)",
  exception_handling: "unwinding would bypass the call-depth accounting of the metering rewrite",
  tail_calls: "tail calls would bypass the call-depth accounting of the metering rewrite",
  reference_types: "only MVP funcref tables are allowed (no externref, table.get/set/grow/size/fill, ref.* or multiple tables)",
  table_bulk_ops: "table.init/table.copy/elem.drop are not metered (only memory.fill/copy are charged by size)",
  multi_memory: "the ABI has exactly one memory",
  memory64: "the memory cap and all guest pointers are 32-bit",
  gc: "managed references are outside the fuel and memory caps",
  stringref: "host strings are outside the fuel and memory caps",
  extended_const: "not needed by AssemblyScript; keeps constant expressions trivially evaluable",
  unsupported_feature: "admission refuses anything it does not recognize",
});

/**
 * Records the first place each refused feature was seen, in detection order
 * (insertion order of a Map over deterministic input, so reports are stable).
 */
export class FeatureHits {
  private readonly first = new Map<RefusedFeature, string>();

  hit(feature: RefusedFeature, where: string): void {
    if (!this.first.has(feature)) this.first.set(feature, where);
  }

  has(feature: RefusedFeature): boolean {
    return this.first.has(feature);
  }

  get size(): number {
    return this.first.size;
  }

  entries(): IterableIterator<[RefusedFeature, string]> {
    return this.first.entries();
  }
}

/** How each refused feature is named in a rejection message. */
export const FEATURE_LABEL: Readonly<Record<RefusedFeature, string>> = Object.freeze({
  threads: "atomics (threads)",
  shared_memory: "shared memory",
  simd: "SIMD",
  relaxed_simd: "relaxed SIMD",
  exception_handling: "exception handling",
  tail_calls: "tail calls",
  reference_types: "reference types",
  table_bulk_ops: "table bulk operations",
  multi_memory: "multiple memories",
  memory64: "memory64",
  gc: "GC / typed references",
  stringref: "stringref",
  extended_const: "extended constant expressions",
  unsupported_feature: "an unsupported feature",
});
