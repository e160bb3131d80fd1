/**
 * Reads what a compiled module imports and exports, with exact function
 * signatures (WebAssembly.Module.imports/exports give names and kinds only).
 * Just enough of the binary format for the compiler's post-build ABI check
 * and the SDK agreement test: type, import, function and export sections,
 * plus custom section names. Not a validator: callers pass bytes that
 * `new WebAssembly.Module` has already accepted, and any malformed input
 * still ends in a one-line Error rather than an out-of-bounds read.
 */
import type { WasmValType } from "../abi/callTable.ts";

export type ExternalKind = "function" | "table" | "memory" | "global" | "tag";

export interface FunctionSignature {
  readonly params: readonly WasmValType[];
  readonly results: readonly WasmValType[];
}

export interface ModuleImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternalKind;
  /** For functions. */
  readonly signature?: FunctionSignature;
}

export interface ModuleExport {
  readonly name: string;
  readonly kind: ExternalKind;
  /** For functions. */
  readonly signature?: FunctionSignature;
}

export interface ModuleInterface {
  readonly imports: readonly ModuleImport[];
  readonly exports: readonly ModuleExport[];
  readonly customSections: readonly string[];
  readonly hasStart: boolean;
}

const KINDS: readonly ExternalKind[] = ["function", "table", "memory", "global", "tag"];
const VAL_TYPES: Readonly<Record<number, WasmValType>> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly end: number = bytes.length) {}

  byte(): number {
    if (this.pos >= this.end) throw new Error(`wasm: unexpected end at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new Error(`wasm: LEB128 too long at byte ${this.pos}`);
    }
    return result;
  }

  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) throw new Error(`wasm: name runs past the end at byte ${this.pos}`);
    const s = new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }

  valType(): WasmValType {
    const b = this.byte();
    const t = VAL_TYPES[b];
    if (t === undefined) throw new Error(`wasm: value type 0x${b.toString(16)} is not i32/i64/f32/f64`);
    return t;
  }

  skipLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Parses the interface of a wasm binary. Throws a one-line Error on malformed input. */
export function readModuleInterface(bytes: Uint8Array): ModuleInterface {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const m of magic) if (r.byte() !== m) throw new Error("wasm: bad magic or version");

  const types: FunctionSignature[] = [];
  const imports: ModuleImport[] = [];
  const funcTypes: number[] = []; // type index per function index (imports first)
  const rawExports: { name: string; kind: ExternalKind; index: number }[] = [];
  const customSections: string[] = [];
  let hasStart = false;

  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new Error(`wasm: section ${id} runs past the end`);
    const s = new Reader(bytes, end);
    s.pos = r.pos;
    switch (id) {
      case 0:
        customSections.push(s.name());
        break;
      case 1: {
        for (let n = s.u32(); n > 0; n--) {
          const form = s.byte();
          if (form !== 0x60) throw new Error(`wasm: type form 0x${form.toString(16)} is not a function type`);
          const params: WasmValType[] = [];
          for (let k = s.u32(); k > 0; k--) params.push(s.valType());
          const results: WasmValType[] = [];
          for (let k = s.u32(); k > 0; k--) results.push(s.valType());
          types.push({ params, results });
        }
        break;
      }
      case 2: {
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name();
          const name = s.name();
          const kindByte = s.byte();
          const kind = KINDS[kindByte];
          if (kind === undefined) throw new Error(`wasm: import kind ${kindByte} unknown`);
          if (kind === "function") {
            const t = s.u32();
            funcTypes.push(t);
            imports.push({ module, name, kind, signature: typeAt(types, t) });
          } else {
            if (kind === "table") { s.byte(); s.skipLimits(); }
            else if (kind === "memory") s.skipLimits();
            else if (kind === "global") { s.byte(); s.byte(); }
            else { s.byte(); s.u32(); }
            imports.push({ module, name, kind });
          }
        }
        break;
      }
      case 3:
        for (let n = s.u32(); n > 0; n--) funcTypes.push(s.u32());
        break;
      case 7:
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kindByte = s.byte();
          const kind = KINDS[kindByte];
          if (kind === undefined) throw new Error(`wasm: export kind ${kindByte} unknown`);
          rawExports.push({ name, kind, index: s.u32() });
        }
        break;
      case 8:
        hasStart = true;
        break;
      default:
        break;
    }
    r.pos = end;
  }

  const exports: ModuleExport[] = rawExports.map((e) => {
    if (e.kind !== "function") return { name: e.name, kind: e.kind };
    const t = funcTypes[e.index];
    if (t === undefined) throw new Error(`wasm: export '${e.name}' names function ${e.index}, which does not exist`);
    return { name: e.name, kind: e.kind, signature: typeAt(types, t) };
  });
  return { imports, exports, customSections, hasStart };
}

function typeAt(types: readonly FunctionSignature[], index: number): FunctionSignature {
  const t = types[index];
  if (t === undefined) throw new Error(`wasm: type index ${index} out of range`);
  return t;
}

/** "(i32, i32) -> i32" style rendering for messages. */
export function formatSignature(sig: FunctionSignature): string {
  const results = sig.results.length === 0 ? "()" : sig.results.length === 1 ? sig.results[0] : `(${sig.results.join(", ")})`;
  return `(${sig.params.join(", ")}) -> ${results}`;
}
