/**
 * Value-type encodings of the wasm binary format, and the one function that
 * reads a value type and classifies it against the feature allowlist.
 */
import type { ByteReader } from "./byteReader.ts";
import { RefusedFeature, type FeatureHits } from "./features.ts";

export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
  /** `(ref ht)` / `(ref null ht)`: typed references, followed by a heap type. */
  ref: 0x64,
  refNull: 0x63,
} as const;

const NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref",
});

export function valTypeName(code: number): string {
  return NAMES[code] ?? `type 0x${code.toString(16)}`;
}

/** `(i32, i32) -> i32`: the signature notation used in every message. */
export function signatureText(params: readonly (number | string)[], results: readonly (number | string)[]): string {
  const n = (t: number | string) => (typeof t === "number" ? valTypeName(t) : t);
  return `(${params.map(n).join(", ")}) -> ${results.length === 0 ? "()" : results.length === 1 ? n(results[0]) : `(${results.map(n).join(", ")})`}`;
}

/**
 * Classifies a value-type byte that has already been read. Returns the
 * refused feature it needs, or null when it is an allowed number type.
 * Typed references (0x63/0x64) also consume their heap type from `r`.
 */
export function classifyValType(code: number, r: ByteReader): RefusedFeature | null {
  switch (code) {
    case ValType.i32:
    case ValType.i64:
    case ValType.f32:
    case ValType.f64:
      return null;
    case ValType.v128:
      return RefusedFeature.simd;
    case ValType.funcref:
    case ValType.externref:
      return RefusedFeature.referenceTypes;
    case ValType.ref:
    case ValType.refNull:
      r.signed(5); // heap type (s33)
      return RefusedFeature.gc;
    case 0x69: // exnref
    case 0x74: // noexn
      return RefusedFeature.exceptionHandling;
    case 0x67: // stringref
    case 0x66: // stringview_wtf8
    case 0x62: // stringview_wtf16
    case 0x61: // stringview_iter
      return RefusedFeature.stringref;
    case 0x6e: // anyref
    case 0x6d: // eqref
    case 0x6c: // i31ref
    case 0x6b: // structref
    case 0x6a: // arrayref
    case 0x71: // nullref
    case 0x72: // nullexternref
    case 0x73: // nullfuncref
      return RefusedFeature.gc;
    default:
      return RefusedFeature.unsupported;
  }
}

/** Reads one value type; records a refused feature (if any) and returns the code. */
export function readValType(r: ByteReader, hits: FeatureHits, where: () => string): number {
  const code = r.u8();
  if (r.failed) return 0;
  const refused = classifyValType(code, r);
  if (refused !== null) hits.hit(refused, `${valTypeName(code)} in ${where()}`);
  return code;
}
