/**
 * A small structural parser of the wasm binary format: just what admission
 * needs (signatures, imports, exports, memories, tables, counts and sizes)
 * plus feature detection. It never throws: every outcome, including garbage
 * input, is a ParseOutcome value.
 *
 * It is normally run on bytes WebAssembly.validate has accepted, where it
 * cannot fail; on rejected bytes it runs only to tell `truncated` from
 * `invalid` and to name a refused feature that this Node's V8 does not know.
 *
 * Allocates: one object per type, import, export and data segment.
 */
import { ByteReader, ReadFailure } from "./byteReader.ts";
import { scanFunctionBody } from "./codeScanner.ts";
import { FeatureHits, RefusedFeature } from "./features.ts";
import { classifyValType, readValType, ValType } from "./wasmTypes.ts";

export const ExternKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
export type ExternKind = (typeof ExternKind)[keyof typeof ExternKind];
export const EXTERN_KIND_NAME: readonly string[] = Object.freeze(["function", "table", "memory", "global", "tag"]);

export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13, strings: 14,
} as const;
const SECTION_NAME: readonly string[] = Object.freeze([
  "custom", "type", "import", "function", "table", "memory", "global", "export",
  "start", "element", "code", "data", "data count", "tag", "strings",
]);

export const WASM_PAGE_BYTES = 65_536;
/** The first 8 bytes of every core module: "\0asm" then version 1 (u32 LE). */
export const WASM_MAGIC: readonly number[] = Object.freeze([0x00, 0x61, 0x73, 0x6d]);
export const WASM_VERSION: readonly number[] = Object.freeze([0x01, 0x00, 0x00, 0x00]);
export const WASM_HEADER_BYTES = 8;

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

export interface ImportDecl {
  readonly module: string;
  readonly name: string;
  readonly kind: number;
  /** Function imports: the type index; -1 otherwise. */
  readonly typeIndex: number;
}

export interface ExportDecl {
  readonly name: string;
  readonly kind: number;
  readonly index: number;
}

export interface MemoryDecl {
  readonly initialPages: number;
  readonly maxPages: number | null;
  readonly shared: boolean;
  readonly is64: boolean;
  readonly imported: boolean;
}

export interface DataSegment {
  readonly byteLength: number;
  /** Offset of an active segment on memory 0 given as `i32.const`, unsigned; else null. */
  readonly constOffset: number | null;
}

/** An active element segment on table 0: its entries and its offset when given as `i32.const` (else null). */
export interface ElementSegment {
  readonly count: number;
  readonly constOffset: number | null;
}

export interface ModuleInfo {
  readonly types: FuncType[];
  readonly imports: ImportDecl[];
  /** Type index of every function in the function index space (imports first). */
  readonly funcTypes: number[];
  importedFuncCount: number;
  /** Declared locals of each defined function (parameters not included). */
  readonly localsPerFunction: number[];
  /** Body size in bytes of each defined function (locals declarations included). */
  readonly bodyBytes: number[];
  /** Initial element count of each table (imported and defined). */
  readonly tableInitials: number[];
  readonly memories: MemoryDecl[];
  definedGlobalCount: number;
  readonly exports: ExportDecl[];
  startFunction: number | null;
  /** Entries over all element segments. */
  elementItems: number;
  readonly data: DataSegment[];
  readonly elements: ElementSegment[];
  readonly hits: FeatureHits;
}

export type ParseOutcome =
  | { readonly kind: "ok"; readonly module: ModuleInfo }
  /** Bytes end inside a section header or a section's declared size; `what` is a whole phrase. */
  | { readonly kind: "truncated"; readonly atByte: number; readonly what: string }
  /** In bounds but not well formed. */
  | { readonly kind: "malformed"; readonly atByte: number; readonly what: string }
  /** Parsing cannot continue past a refused encoding (recorded in hits). */
  | { readonly kind: "stopped"; readonly hits: FeatureHits };

/** Section parsers return STOP (after recording a hit) when the parse cannot go on. */
const CONTINUE = true;
const STOP = false;

/** Parses a module whose 8-byte header has already been checked. */
export function parseModule(bytes: Uint8Array): ParseOutcome {
  const m: ModuleInfo = {
    types: [], imports: [], funcTypes: [], importedFuncCount: 0, localsPerFunction: [], bodyBytes: [], tableInitials: [],
    memories: [], definedGlobalCount: 0, exports: [], startFunction: null, elementItems: 0, data: [], elements: [],
    hits: new FeatureHits(),
  };
  const top = new ByteReader(bytes, WASM_HEADER_BYTES, bytes.length, ReadFailure.Truncated);
  while (top.pos < top.end) {
    const headerAt = top.pos;
    const id = top.u8();
    const size = top.u32();
    if (top.failure === ReadFailure.Truncated) {
      return { kind: "truncated", atByte: headerAt, what: `the section header at byte ${headerAt} runs past the end of the ${bytes.length}-byte module` };
    }
    if (top.failed) return { kind: "malformed", atByte: headerAt, what: "section header" };
    const name = SECTION_NAME[id] ?? `id ${id}`;
    if (size > top.end - top.pos) {
      return { kind: "truncated", atByte: headerAt, what: `the ${name} section at byte ${headerAt} declares ${size} bytes, only ${top.end - top.pos} remain` };
    }
    const r = new ByteReader(bytes, top.pos, top.pos + size, ReadFailure.Malformed);
    top.skip(size);
    if (parseSection(id, r, m) === STOP) return { kind: "stopped", hits: m.hits };
    if (r.failed) return { kind: "malformed", atByte: r.failureAt, what: `${name} section` };
    if (r.pos !== r.end) return { kind: "malformed", atByte: r.pos, what: `${name} section has ${r.end - r.pos} trailing bytes` };
  }
  if (m.memories.length > 1) m.hits.hit(RefusedFeature.multiMemory, `${m.memories.length} memories`);
  if (m.tableInitials.length > 1) m.hits.hit(RefusedFeature.referenceTypes, `${m.tableInitials.length} tables`);
  return { kind: "ok", module: m };
}

function parseSection(id: number, r: ByteReader, m: ModuleInfo): boolean {
  switch (id) {
    case SectionId.custom:
      r.skip(r.end - r.pos); // names, producers, target_features: informational only
      return CONTINUE;
    case SectionId.type: return parseTypes(r, m);
    case SectionId.import: return parseImports(r, m);
    case SectionId.function: {
      const n = r.u32();
      for (let i = 0; i < n && !r.failed; i++) m.funcTypes.push(r.u32());
      return CONTINUE;
    }
    case SectionId.table: {
      const n = r.u32();
      for (let i = 0; i < n && !r.failed; i++) if (readTableType(r, m, `table ${m.tableInitials.length}`) === STOP) return STOP;
      return CONTINUE;
    }
    case SectionId.memory: {
      const n = r.u32();
      for (let i = 0; i < n && !r.failed; i++) if (readMemoryType(r, m, false) === STOP) return STOP;
      return CONTINUE;
    }
    case SectionId.global: return parseGlobals(r, m);
    case SectionId.export: return parseExports(r, m);
    case SectionId.start:
      m.startFunction = r.u32();
      return CONTINUE;
    case SectionId.element: return parseElements(r, m);
    case SectionId.code: return parseCode(r, m);
    case SectionId.data: return parseData(r, m);
    case SectionId.dataCount:
      r.u32();
      return CONTINUE;
    case SectionId.tag:
      m.hits.hit(RefusedFeature.exceptionHandling, "tag section");
      r.skip(r.end - r.pos);
      return CONTINUE;
    case SectionId.strings:
      m.hits.hit(RefusedFeature.stringref, "string literals section");
      r.skip(r.end - r.pos);
      return CONTINUE;
    default:
      m.hits.hit(RefusedFeature.unsupported, `unknown section id ${id}`);
      r.skip(r.end - r.pos);
      return CONTINUE;
  }
}

function parseTypes(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const at = r.pos;
    const form = r.u8();
    if (form !== 0x60) {
      if (r.failed) return CONTINUE;
      // rec (0x4e), sub (0x50/0x4f), struct (0x5f), array (0x5e), cont (0x5d): not func types.
      const gcForms = form === 0x4e || form === 0x50 || form === 0x4f || form === 0x5f || form === 0x5e;
      m.hits.hit(gcForms ? RefusedFeature.gc : RefusedFeature.unsupported, `type ${i} (form 0x${form.toString(16)}) at byte 0x${at.toString(16)}`);
      return STOP; // later type indices cannot be resolved
    }
    const where = () => `type ${i}`;
    const params: number[] = [];
    const np = r.u32();
    for (let k = 0; k < np && !r.failed; k++) params.push(readValType(r, m.hits, where));
    const results: number[] = [];
    const nr = r.u32();
    for (let k = 0; k < nr && !r.failed; k++) results.push(readValType(r, m.hits, where));
    m.types.push({ params, results });
  }
  return CONTINUE;
}

function parseImports(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.u8();
    let typeIndex = -1;
    switch (kind) {
      case ExternKind.func:
        typeIndex = r.u32();
        m.funcTypes.push(typeIndex);
        m.importedFuncCount++;
        break;
      case ExternKind.table:
        if (readTableType(r, m, `imported table ${module}.${name}`) === STOP) return STOP;
        break;
      case ExternKind.memory:
        if (readMemoryType(r, m, true) === STOP) return STOP;
        break;
      case ExternKind.global:
        if (readGlobalType(r, m, `imported global ${module}.${name}`) === STOP) return STOP;
        break;
      case ExternKind.tag:
        r.u8(); // attribute
        r.u32(); // type index
        m.hits.hit(RefusedFeature.exceptionHandling, `imported tag ${module}.${name}`);
        break;
      default:
        if (r.failed) return CONTINUE;
        // 0x7e/0x7f introduce the compact import encoding; anything else is garbage.
        m.hits.hit(RefusedFeature.unsupported, `import kind 0x${kind.toString(16)}`);
        return STOP;
    }
    m.imports.push({ module, name, kind, typeIndex });
  }
  return CONTINUE;
}

/** Limits of a memory or table; null (after recording a hit) on an unknown flag. */
function readLimits(r: ByteReader, m: ModuleInfo, what: string): { min: number; max: number | null; shared: boolean; is64: boolean } | null {
  const flags = r.u8();
  if (flags > 0x0f) {
    m.hits.hit(RefusedFeature.unsupported, `${what} limits flags 0x${flags.toString(16)}`);
    return null;
  }
  const is64 = (flags & 0x04) !== 0;
  const shared = (flags & 0x02) !== 0;
  const min = is64 ? r.u64() : r.u32();
  const max = (flags & 0x01) !== 0 ? (is64 ? r.u64() : r.u32()) : null;
  if ((flags & 0x08) !== 0) {
    r.u32(); // log2 of the page size
    m.hits.hit(RefusedFeature.unsupported, `${what} has a custom page size`);
  }
  if (is64) m.hits.hit(RefusedFeature.memory64, `${what} is 64-bit`);
  return { min, max, shared, is64 };
}

function readMemoryType(r: ByteReader, m: ModuleInfo, imported: boolean): boolean {
  const what = `memory ${m.memories.length}`;
  const limits = readLimits(r, m, what);
  if (limits === null) return STOP;
  if (limits.shared) m.hits.hit(RefusedFeature.sharedMemory, `${what} is shared`);
  m.memories.push({ initialPages: limits.min, maxPages: limits.max, shared: limits.shared, is64: limits.is64, imported });
  return CONTINUE;
}

function readTableType(r: ByteReader, m: ModuleInfo, what: string): boolean {
  const elemType = r.u8();
  if (elemType === 0x40) {
    // GC's table-with-initializer encoding (0x40 0x00 tabletype expr).
    m.hits.hit(RefusedFeature.gc, `${what} has an initializer`);
    return STOP;
  }
  if (elemType !== ValType.funcref && !r.failed) {
    const refused = classifyValType(elemType, r) ?? RefusedFeature.unsupported;
    m.hits.hit(refused === RefusedFeature.simd ? RefusedFeature.unsupported : refused, `${what} element type 0x${elemType.toString(16)}`);
  }
  const limits = readLimits(r, m, what);
  if (limits === null) return STOP;
  if (limits.shared) m.hits.hit(RefusedFeature.threads, `${what} is shared`);
  m.tableInitials.push(limits.min);
  return CONTINUE;
}

function readGlobalType(r: ByteReader, m: ModuleInfo, what: string): boolean {
  readValType(r, m.hits, () => what);
  const mutability = r.u8();
  if (mutability > 1 && !r.failed) {
    // Bit 1 marks a shared global (shared-everything threads).
    m.hits.hit(mutability <= 3 ? RefusedFeature.threads : RefusedFeature.unsupported, `${what} mutability 0x${mutability.toString(16)}`);
  }
  return CONTINUE;
}

function parseGlobals(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const what = `global ${m.definedGlobalCount}`;
    readGlobalType(r, m, what);
    if (readConstExpr(r, m.hits, what) === STOP_EXPR) return STOP;
    m.definedGlobalCount++;
  }
  return CONTINUE;
}

function parseExports(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const name = r.name();
    const kind = r.u8();
    const index = r.u32();
    if (kind === ExternKind.tag) m.hits.hit(RefusedFeature.exceptionHandling, `exported tag "${name}"`);
    m.exports.push({ name, kind, index });
  }
  return CONTINUE;
}

/** readConstExpr result when the expression is not a plain `i32.const`. */
const NOT_CONST_I32 = -1;
/** readConstExpr result when parsing must stop. */
const STOP_EXPR = -2;

/**
 * Reads a constant expression up to its `end`, recording refused features.
 * Returns the unsigned value of a plain `i32.const N`, NOT_CONST_I32 for any
 * other expression, or STOP_EXPR when an opcode cannot be skipped.
 */
function readConstExpr(r: ByteReader, hits: FeatureHits, what: string): number {
  let value = NOT_CONST_I32;
  for (let count = 0; !r.failed; count++) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return value;
      case 0x41: {
        const v = r.signed(5) >>> 0;
        value = count === 0 ? v : NOT_CONST_I32;
        continue;
      }
      case 0x42: r.signed(10); break;
      case 0x43: r.skip(4); break;
      case 0x44: r.skip(8); break;
      case 0x23: r.u32(); break; // global.get
      case 0xd0: // ref.null heap_type
        r.signed(5);
        hits.hit(RefusedFeature.referenceTypes, `ref.null in ${what}`);
        break;
      case 0xd2: // ref.func
        r.u32();
        hits.hit(RefusedFeature.referenceTypes, `ref.func in ${what}`);
        break;
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: // i32/i64 add, sub, mul
        hits.hit(RefusedFeature.extendedConst, `arithmetic in ${what} at byte 0x${at.toString(16)}`);
        break;
      case 0xfd:
        if (r.u32() !== 12) {
          hits.hit(RefusedFeature.unsupported, `opcode 0xfd in ${what}`);
          return STOP_EXPR;
        }
        r.skip(16); // v128.const
        hits.hit(RefusedFeature.simd, `v128.const in ${what}`);
        break;
      case 0xfb:
        hits.hit(RefusedFeature.gc, `gc instruction in ${what}`);
        return STOP_EXPR;
      default:
        if (r.failed) return NOT_CONST_I32;
        hits.hit(RefusedFeature.unsupported, `opcode 0x${op.toString(16)} in ${what}`);
        return STOP_EXPR;
    }
    value = NOT_CONST_I32;
  }
  return NOT_CONST_I32;
}

/**
 * An element item expression. `ref.func i` and `ref.null func` are the
 * bulk-memory encodings of a plain function table entry and are allowed;
 * anything else needs reference types.
 */
function readElemExpr(r: ByteReader, hits: FeatureHits, what: string): boolean {
  const start = r.pos;
  const op = r.u8();
  if (op === 0xd2) {
    r.u32();
    if (r.u8() === 0x0b) return CONTINUE;
  } else if (op === 0xd0) {
    if (r.u8() === ValType.funcref && r.u8() === 0x0b) return CONTINUE;
  }
  if (r.failed) return CONTINUE;
  r.pos = start;
  hits.hit(RefusedFeature.referenceTypes, `${what} has a non-function item`);
  return readConstExpr(r, hits, what) === STOP_EXPR ? STOP : CONTINUE;
}

function parseElements(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const what = `element segment ${i}`;
    const flags = r.u32();
    if (flags > 7) {
      if (r.failed) return CONTINUE;
      m.hits.hit(RefusedFeature.unsupported, `${what} flags ${flags}`);
      return STOP;
    }
    const passiveOrDeclarative = (flags & 0x01) !== 0;
    const explicitTable = (flags & 0x02) !== 0;
    const usesExprs = (flags & 0x04) !== 0;
    if (passiveOrDeclarative && explicitTable) {
      // Declarative segments exist only to make ref.func legal.
      m.hits.hit(RefusedFeature.referenceTypes, `${what} is declarative`);
    } else if (passiveOrDeclarative) {
      // Only table.init (refused) can use a passive segment; binaryen.js
      // aborts reading one, so an admitted one could never be metered.
      m.hits.hit(RefusedFeature.tableBulkOps, `${what} is passive`);
    }
    let offset = NOT_CONST_I32;
    if (!passiveOrDeclarative) {
      if (explicitTable && r.u32() !== 0) m.hits.hit(RefusedFeature.referenceTypes, `${what} targets a table > 0`);
      offset = readConstExpr(r, m.hits, what);
      if (offset === STOP_EXPR) return STOP;
    }
    if (passiveOrDeclarative || explicitTable) {
      const kind = r.u8(); // elemkind (0x00 = funcref) or, with expressions, a reference type
      if (usesExprs ? kind !== ValType.funcref : kind !== 0x00) {
        if (r.failed) return CONTINUE;
        const refused = usesExprs ? classifyValType(kind, r) : RefusedFeature.unsupported;
        m.hits.hit(refused ?? RefusedFeature.unsupported, `${what} element type 0x${kind.toString(16)}`);
        if (refused === RefusedFeature.unsupported || refused === RefusedFeature.simd) return STOP;
      }
    }
    const count = r.u32();
    m.elementItems += count;
    if (!passiveOrDeclarative) m.elements.push({ count, constOffset: offset >= 0 ? offset : null });
    for (let k = 0; k < count && !r.failed; k++) {
      if (usesExprs) {
        if (readElemExpr(r, m.hits, what) === STOP) return STOP;
      } else {
        r.u32();
      }
    }
  }
  return CONTINUE;
}

function parseCode(r: ByteReader, m: ModuleInfo): boolean {
  const sectionEnd = r.end;
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const funcIndex = m.importedFuncCount + i;
    const size = r.u32();
    if (r.failed) break;
    if (size > sectionEnd - r.pos) {
      r.fail(ReadFailure.Malformed);
      break;
    }
    const bodyEnd = r.pos + size;
    r.end = bodyEnd; // a read past the body is Malformed, not a read into the next body
    let locals = 0;
    const groups = r.u32();
    const where = () => `locals of function ${funcIndex}`;
    for (let g = 0; g < groups && !r.failed; g++) {
      locals += r.u32();
      readValType(r, m.hits, where);
    }
    m.localsPerFunction.push(locals);
    m.bodyBytes.push(size);
    scanFunctionBody(r, m.hits, funcIndex);
    if (r.failed) break;
    r.pos = bodyEnd; // the scan may stop early at a refused opcode
    r.end = sectionEnd;
  }
  r.end = sectionEnd;
  return CONTINUE;
}

function parseData(r: ByteReader, m: ModuleInfo): boolean {
  const n = r.u32();
  for (let i = 0; i < n && !r.failed; i++) {
    const what = `data segment ${i}`;
    const flags = r.u32();
    let constOffset: number | null = null;
    if (flags === 0 || flags === 2) {
      const memoryIndex = flags === 2 ? r.u32() : 0;
      if (memoryIndex !== 0) m.hits.hit(RefusedFeature.multiMemory, `${what} targets a memory > 0`);
      const value = readConstExpr(r, m.hits, what);
      if (value === STOP_EXPR) return STOP;
      if (value >= 0 && memoryIndex === 0) constOffset = value;
    } else if (flags !== 1) {
      if (r.failed) return CONTINUE;
      m.hits.hit(RefusedFeature.unsupported, `${what} flags ${flags}`);
      return STOP;
    }
    const byteLength = r.u32();
    r.skip(byteLength);
    m.data.push({ byteLength, constOffset });
  }
  return CONTINUE;
}
