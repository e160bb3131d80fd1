/**
 * The admission gate: a static check of a module's bytes before anything is
 * metered or executed (CosmWasm `check_wasm`, eBPF verifier). The rules, the
 * reason codes and the limits are documented in docs/admission.md.
 *
 * Order matters: size first (so a huge input is never scanned), then the
 * header, then WebAssembly.validate — nothing else ever reads bytes V8 has
 * not accepted, except our own never-throwing parser to tell truncation from
 * other damage. The feature allowlist is enforced by our scanner, not V8,
 * so it does not widen when a newer Node enables more proposals.
 *
 * Allocates freely: it runs once per module, off every hot path.
 */
import { createHash } from "node:crypto";
import { GUEST_EXPORTS, GUEST_MEMORY_EXPORT, HOST_CALL_BY_NAME, type WasmValType } from "../abi/callTable.ts";
import { IMPORT_NAMESPACE, RESERVED_PREFIX } from "../abi/version.ts";
import { METER_INIT_EXPORT } from "../metering/meterAbi.ts";
import { errorLine, printableAscii, quoted } from "../text/printable.ts";
import { FEATURE_LABEL, FEATURE_REFUSAL, RefusedFeature, type FeatureHits } from "./features.ts";
import { DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from "./limits.ts";
import {
  EXTERN_KIND_NAME, ExternKind, parseModule, WASM_HEADER_BYTES, WASM_MAGIC, WASM_PAGE_BYTES, WASM_VERSION,
  type ModuleInfo,
} from "./moduleParser.ts";
import { AdmissionCode } from "./reasonCodes.ts";
import { signatureText, valTypeName } from "./wasmTypes.ts";

export { AdmissionCode, ALL_ADMISSION_CODES } from "./reasonCodes.ts";

export interface AdmissionReason {
  /** Stable snake_case id (reasonCodes.ts, features.ts). */
  readonly code: string;
  /** One line: what is wrong and where. */
  readonly message: string;
}

export interface AdmissionResult {
  readonly admitted: boolean;
  /** SHA-256 of the exact bytes, lowercase hex: the module's identity in logs and the audit trail. */
  readonly codeId: string;
  /** Empty when admitted. */
  readonly reasons: AdmissionReason[];
  /** Facts about an admitted (or rejected) module worth telling, e.g. "memory maximum imposed: 256 pages". */
  readonly notes: string[];
  /** Memory 0 as declared, when the module was parsed far enough to know it. */
  readonly memory?: { readonly initialPages: number; readonly maxPages: number | null };
  /** The module has a start function (the metering rewrite runs it as `__rf_init` under the fuel budget). */
  readonly hasStart: boolean;
}

/** The slice of the WebAssembly JS API admission uses (tsconfig has no DOM lib). */
interface WasmJsApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => unknown;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly;

/**
 * Checks `bytes` against the admission rules. Never throws, whatever the
 * input: an internal error becomes a rejection with code `internal`.
 */
export function verifyModule(bytes: Uint8Array, limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS): AdmissionResult {
  let codeId = "";
  try {
    codeId = createHash("sha256").update(bytes).digest("hex");
    const result = check(bytes, limits, codeId);
    // Messages quote guest-chosen names (imports, exports): whatever a rule
    // put in them, a person sees one printable line (no newlines, no terminal escapes).
    return {
      ...result,
      reasons: result.reasons.map((r) => ({ code: r.code, message: printableAscii(r.message) })),
      notes: result.notes.map((n) => printableAscii(n)),
    };
  } catch (e) {
    return { admitted: false, codeId, reasons: [{ code: AdmissionCode.internal, message: `admission check failed internally: ${printableAscii(errorLine(e))}` }], notes: [], hasStart: false };
  }
}

function check(bytes: Uint8Array, limits: AdmissionLimits, codeId: string): AdmissionResult {
  const reject = (code: string, message: string): AdmissionResult =>
    ({ admitted: false, codeId, reasons: [{ code, message }], notes: [], hasStart: false });

  if (bytes.length === 0) return reject(AdmissionCode.emptyModule, "module is empty (0 bytes)");
  if (bytes.length > limits.maxModuleBytes) {
    return reject(AdmissionCode.moduleTooLarge, `module is ${bytes.length} bytes, over the ${limits.maxModuleBytes}-byte limit (maxModuleBytes)`);
  }
  const header = checkHeader(bytes);
  if (header !== null) return reject(header.code, header.message);

  const parsed = parseModule(bytes);
  // Before V8 validates: its time grows with the square of distinct types.
  if (parsed.kind === "ok" && parsed.module.types.length > limits.maxTypes) {
    return reject(AdmissionCode.tooManyTypes, `${parsed.module.types.length} function types, over the limit of ${limits.maxTypes} (maxTypes)`);
  }
  const valid = wasmApi.validate(bytes);
  if (!valid) {
    if (parsed.kind === "truncated") {
      return reject(AdmissionCode.truncated, `module is truncated: ${parsed.what}`);
    }
    // Name a refused feature this Node's V8 does not know (GC, memory64 on
    // Node 20...) before the engine's own, less helpful, complaint.
    const reasons = parsed.kind === "ok" ? featureReasons(parsed.module.hits) : parsed.kind === "stopped" ? featureReasons(parsed.hits) : [];
    reasons.push({ code: AdmissionCode.invalid, message: `not a valid wasm module: ${v8CompileError(bytes)}` });
    return { admitted: false, codeId, reasons, notes: [], hasStart: false };
  }
  if (parsed.kind === "stopped") return { admitted: false, codeId, reasons: featureReasons(parsed.hits), notes: [], hasStart: false };
  if (parsed.kind !== "ok") {
    // V8 accepted what our parser cannot read: fail closed.
    return reject(RefusedFeature.unsupported, `admission cannot parse the ${parsed.what} at byte ${parsed.atByte}; a wasm feature it does not know is in use`);
  }

  const m = parsed.module;
  const reasons = featureReasons(m.hits);
  const notes: string[] = [];
  checkImports(m, limits, reasons);
  checkExports(m, limits, reasons);
  const memory = checkMemory(m, limits, reasons, notes);
  checkSizes(m, limits, reasons);
  const hasStart = m.startFunction !== null;
  if (hasStart) notes.push(`start function ${m.startFunction} runs as ${METER_INIT_EXPORT} under the fuel budget`);
  return { admitted: reasons.length === 0, codeId, reasons, notes, memory, hasStart };
}

function checkHeader(bytes: Uint8Array): AdmissionReason | null {
  const magicLen = Math.min(bytes.length, WASM_MAGIC.length);
  for (let i = 0; i < magicLen; i++) {
    if (bytes[i] !== WASM_MAGIC[i]) {
      return { code: AdmissionCode.notWasm, message: `not a wasm module: starts with ${hex(bytes, 0, 4)}, expected 00 61 73 6d ("\\0asm")` };
    }
  }
  for (let i = WASM_MAGIC.length; i < Math.min(bytes.length, WASM_HEADER_BYTES); i++) {
    if (bytes[i] !== WASM_VERSION[i - WASM_MAGIC.length]) {
      // 0d 00 01 00 is a component-model binary, which is not a core module.
      const component = bytes[4] === 0x0d && bytes[6] === 0x01;
      return {
        code: AdmissionCode.unsupportedVersion,
        message: `unsupported wasm binary version ${hex(bytes, 4, 8)}${component ? " (a component, not a core module)" : ""}; expected 01 00 00 00`,
      };
    }
  }
  if (bytes.length < WASM_HEADER_BYTES) {
    return { code: AdmissionCode.truncated, message: `module is truncated: ${bytes.length} bytes, the header alone is ${WASM_HEADER_BYTES}` };
  }
  return null;
}

function featureReasons(hits: FeatureHits): AdmissionReason[] {
  const reasons: AdmissionReason[] = [];
  for (const [feature, where] of hits.entries()) {
    reasons.push({ code: feature, message: `uses ${FEATURE_LABEL[feature]} (${where}): ${FEATURE_REFUSAL[feature]}` });
  }
  return reasons;
}

function checkImports(m: ModuleInfo, limits: AdmissionLimits, reasons: AdmissionReason[]): void {
  if (m.imports.length > limits.maxImports) {
    reasons.push({ code: AdmissionCode.tooManyImports, message: `${m.imports.length} imports, over the limit of ${limits.maxImports} (maxImports)` });
  }
  for (const imp of m.imports) {
    const name = `${shown(imp.module)}.${shown(imp.name)}`;
    if (imp.kind !== ExternKind.func) {
      reasons.push({
        code: AdmissionCode.importNotFunction,
        message: `import ${name} is a ${EXTERN_KIND_NAME[imp.kind] ?? "kind " + imp.kind}; only "${IMPORT_NAMESPACE}" host functions may be imported`,
      });
      continue;
    }
    if (imp.module !== IMPORT_NAMESPACE) {
      reasons.push({ code: AdmissionCode.importNamespace, message: `import ${name} is outside the "${IMPORT_NAMESPACE}" namespace, the only one a module may import from` });
      continue;
    }
    const spec = HOST_CALL_BY_NAME.get(imp.name);
    if (spec === undefined) {
      reasons.push({ code: AdmissionCode.unknownImport, message: `import ${name} is not a ringfence host call (known: ${[...HOST_CALL_BY_NAME.keys()].join(", ")})` });
      continue;
    }
    const type = m.types[imp.typeIndex];
    if (type === undefined || !sameSignature(type.params, type.results, spec.params, spec.results)) {
      reasons.push({
        code: AdmissionCode.importSignature,
        message: `import ${name} has signature ${type ? signatureText(type.params, type.results) : "?"}, expected ${signatureText(spec.params, spec.results)}`,
      });
    }
  }
}

function checkExports(m: ModuleInfo, limits: AdmissionLimits, reasons: AdmissionReason[]): void {
  if (m.exports.length > limits.maxExports) {
    reasons.push({ code: AdmissionCode.tooManyExports, message: `${m.exports.length} exports, over the limit of ${limits.maxExports} (maxExports)` });
  }
  const byName = new Map<string, { kind: number; index: number }>();
  for (const exp of m.exports) {
    if (!byName.has(exp.name)) byName.set(exp.name, exp);
    if (exp.name.startsWith(RESERVED_PREFIX)) {
      reasons.push({ code: AdmissionCode.reservedExport, message: `export ${shown(exp.name)} uses the prefix "${RESERVED_PREFIX}", reserved for names the metering rewrite adds` });
    }
  }
  for (const spec of GUEST_EXPORTS) {
    const expected = `a function ${signatureText(spec.params, spec.results)}`;
    const exp = byName.get(spec.name);
    if (exp === undefined) {
      reasons.push({ code: AdmissionCode.missingExport, message: `missing export ${spec.name}: expected ${expected}` });
    } else if (exp.kind !== ExternKind.func) {
      reasons.push({ code: AdmissionCode.exportSignature, message: `export ${spec.name} is a ${EXTERN_KIND_NAME[exp.kind] ?? "kind " + exp.kind}, expected ${expected}` });
    } else {
      const type = m.types[m.funcTypes[exp.index]];
      if (type === undefined || !sameSignature(type.params, type.results, spec.params, spec.results)) {
        reasons.push({
          code: AdmissionCode.exportSignature,
          message: `export ${spec.name} has signature ${type ? signatureText(type.params, type.results) : "?"}, expected ${signatureText(spec.params, spec.results)}`,
        });
      }
    }
  }
  // With no memory at all, no_memory says it better.
  if (m.memories.length === 0) return;
  const memExport = byName.get(GUEST_MEMORY_EXPORT);
  if (memExport === undefined) {
    reasons.push({ code: AdmissionCode.missingMemoryExport, message: `the memory is not exported as "${GUEST_MEMORY_EXPORT}"` });
  } else if (memExport.kind !== ExternKind.memory) {
    reasons.push({
      code: AdmissionCode.missingMemoryExport,
      message: `export "${GUEST_MEMORY_EXPORT}" is a ${EXTERN_KIND_NAME[memExport.kind] ?? "kind " + memExport.kind}, expected the module's memory`,
    });
  }
}

function checkMemory(m: ModuleInfo, limits: AdmissionLimits, reasons: AdmissionReason[], notes: string[]): AdmissionResult["memory"] {
  const mem = m.memories[0];
  if (mem === undefined) {
    reasons.push({ code: AdmissionCode.noMemory, message: `module has no memory; the ABI needs exactly one, exported as "${GUEST_MEMORY_EXPORT}"` });
    return undefined;
  }
  if (mem.is64) return { initialPages: mem.initialPages, maxPages: mem.maxPages }; // refused as memory64 already
  if (mem.initialPages > limits.maxMemoryPages) {
    reasons.push({
      code: AdmissionCode.memoryTooLarge,
      message: `memory starts at ${mem.initialPages} pages, over the cap of ${limits.maxMemoryPages} pages (maxMemoryPages)`,
    });
  } else if (mem.maxPages === null || mem.maxPages > limits.maxMemoryPages) {
    // Admitted: the metering rewrite lowers the declared maximum to the cap.
    notes.push(`memory maximum imposed: ${limits.maxMemoryPages} pages`);
  }
  const memoryBytes = mem.initialPages * WASM_PAGE_BYTES;
  for (let i = 0; i < m.data.length; i++) {
    const seg = m.data[i];
    if (seg.constOffset !== null && seg.constOffset + seg.byteLength > memoryBytes) {
      reasons.push({
        code: AdmissionCode.dataOutOfBounds,
        message: `data segment ${i} (${seg.byteLength} bytes at ${seg.constOffset}) ends past the initial memory (${memoryBytes} bytes)`,
      });
      break; // one is enough: the module can never be instantiated
    }
  }
  return { initialPages: mem.initialPages, maxPages: mem.maxPages };
}

function checkSizes(m: ModuleInfo, limits: AdmissionLimits, reasons: AdmissionReason[]): void {
  const definedFunctions = m.funcTypes.length - m.importedFuncCount;
  if (definedFunctions > limits.maxFunctions) {
    reasons.push({ code: AdmissionCode.tooManyFunctions, message: `${definedFunctions} functions, over the limit of ${limits.maxFunctions} (maxFunctions)` });
  }
  worstOffender(
    reasons, AdmissionCode.tooManyLocals, m.localsPerFunction, limits.maxLocalsPerFunction,
    (i, n) => `function ${m.importedFuncCount + i} declares ${n} locals`, "maxLocalsPerFunction",
  );
  const params = m.funcTypes.slice(m.importedFuncCount).map((t) => m.types[t]?.params.length ?? 0);
  worstOffender(
    reasons, AdmissionCode.tooManyParams, params, limits.maxParamsPerFunction,
    (i, n) => `function ${m.importedFuncCount + i} takes ${n} parameters`, "maxParamsPerFunction",
  );
  worstOffender(
    reasons, AdmissionCode.tooManyResults, m.types.map((t) => t.results.length), limits.maxResultsPerType,
    (i, n) => `type ${i} has ${n} results`, "maxResultsPerType",
  );
  worstOffender(
    reasons, AdmissionCode.functionTooLarge, m.bodyBytes, limits.maxFunctionBodyBytes,
    (i, n) => `the body of function ${m.importedFuncCount + i} is ${n} bytes`, "maxFunctionBodyBytes",
  );
  let totalLocals = 0;
  for (const n of m.localsPerFunction) totalLocals += n;
  if (totalLocals > limits.maxTotalLocals) {
    reasons.push({ code: AdmissionCode.tooManyLocalsTotal, message: `${totalLocals} locals in all functions together, over the limit of ${limits.maxTotalLocals} (maxTotalLocals)` });
  }
  if (m.definedGlobalCount > limits.maxGlobals) {
    reasons.push({ code: AdmissionCode.tooManyGlobals, message: `${m.definedGlobalCount} globals, over the limit of ${limits.maxGlobals} (maxGlobals)` });
  }
  // Like data: an active segment past the table's initial size makes the module fail at instantiation.
  const table0 = m.tableInitials[0] ?? 0;
  for (let i = 0; i < m.elements.length; i++) {
    const seg = m.elements[i];
    if (seg.constOffset !== null && seg.constOffset + seg.count > table0) {
      reasons.push({ code: AdmissionCode.elementOutOfBounds, message: `element segment ${i} (${seg.count} entries at ${seg.constOffset}) ends past the table's initial size (${table0})` });
      break;
    }
  }
  let biggestTable = 0;
  for (const initial of m.tableInitials) biggestTable = Math.max(biggestTable, initial);
  if (biggestTable > limits.maxTableElements || m.elementItems > limits.maxTableElements) {
    const what = biggestTable > limits.maxTableElements ? `table of ${biggestTable} elements` : `${m.elementItems} element segment entries`;
    reasons.push({ code: AdmissionCode.tooManyTableElements, message: `${what}, over the limit of ${limits.maxTableElements} (maxTableElements)` });
  }
  if (m.data.length > limits.maxDataSegments) {
    reasons.push({ code: AdmissionCode.tooManyDataSegments, message: `${m.data.length} data segments, over the limit of ${limits.maxDataSegments} (maxDataSegments)` });
  }
  let dataBytes = 0;
  for (const seg of m.data) dataBytes += seg.byteLength;
  if (dataBytes > limits.maxDataBytes) {
    reasons.push({ code: AdmissionCode.dataTooLarge, message: `${dataBytes} bytes of data segments, over the limit of ${limits.maxDataBytes} (maxDataBytes)` });
  }
}

/** One reason for all values over `limit`, naming the largest. */
function worstOffender(
  reasons: AdmissionReason[], code: string, values: readonly number[], limit: number,
  describe: (index: number, value: number) => string, option: string,
): void {
  let worst = -1;
  let over = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] <= limit) continue;
    over++;
    if (worst < 0 || values[i] > values[worst]) worst = i;
  }
  if (worst < 0) return;
  const more = over > 1 ? ` (and ${over - 1} more)` : "";
  reasons.push({ code, message: `${describe(worst, values[worst])}, over the limit of ${limit} (${option})${more}` });
}

function sameSignature(
  params: readonly number[], results: readonly number[], wantParams: readonly WasmValType[], wantResults: readonly WasmValType[],
): boolean {
  if (params.length !== wantParams.length || results.length !== wantResults.length) return false;
  for (let i = 0; i < params.length; i++) if (valTypeName(params[i]) !== wantParams[i]) return false;
  for (let i = 0; i < results.length; i++) if (valTypeName(results[i]) !== wantResults[i]) return false;
  return true;
}

/** The first line of V8's CompileError, e.g. "Compiling function #0 failed: ...". Only on the rejection path. */
function v8CompileError(bytes: Uint8Array): string {
  try {
    new wasmApi.Module(bytes);
  } catch (e) {
    return errorLine(e).replace(/^WebAssembly\.Module\(\): /, "");
  }
  return "WebAssembly.validate rejected it";
}

/** Longest guest-chosen name a message shows, quotes and escapes included. */
const MAX_SHOWN_CHARS = 72;

/** A guest-chosen name made safe for a one-line message: bare if tame, else quoted and escaped (printable ASCII only). */
function shown(name: string): string {
  if (/^[A-Za-z0-9_$.\-]{1,64}$/.test(name)) return name;
  return quoted(name, '"', MAX_SHOWN_CHARS);
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  const out: string[] = [];
  for (let i = from; i < Math.min(to, bytes.length); i++) out.push(bytes[i].toString(16).padStart(2, "0"));
  return out.join(" ");
}
