/**
 * The ABI skeleton generated modules start from: every host call of
 * host/abi/callTable.ts imported under its own name, every required export
 * (host/abi/callTable.ts GUEST_EXPORTS) defined, one exported memory. Built
 * from the call table, so a new host call is fuzzed without touching this
 * file. `wasm-opt -ttf --initial-fuzz` keeps these imports and exports and
 * grows random code around them; the script generator writes callback
 * bodies into it.
 */
import { GUEST_EXPORTS, GUEST_MEMORY_EXPORT, HOST_CALLS } from "../abi/callTable.ts";
import { IMPORT_NAMESPACE } from "../abi/version.ts";
import { watToBytes } from "./corpusFile.ts";

/** Where rf_event_buffer points (64 bytes, 8-aligned). */
export const SKELETON_EVENT_BUFFER = 1024;

export interface SkeletonParts {
  /** Instructions per export name (rf_start, rf_on_market, ...); default empty (or the ABI constant). */
  readonly bodies?: Readonly<Record<string, string>>;
  /** Memory limits, default `1 16`. */
  readonly memory?: string;
  /** Extra module fields (globals, functions, data). */
  readonly extra?: string;
}

/** `$<name>` for each host call import, so bodies can `(call $submit_order ...)`. */
export function skeletonWat(parts: SkeletonParts = {}): string {
  const imports = HOST_CALLS.map((c) => {
    const params = c.params.length ? ` (param ${c.params.join(" ")})` : "";
    const results = c.results.length ? ` (result ${c.results.join(" ")})` : "";
    return `  (import "${IMPORT_NAMESPACE}" "${c.name}" (func $${c.name}${params}${results}))`;
  });
  const exports = GUEST_EXPORTS.map((g) => {
    const params = g.params.length ? ` (param ${g.params.join(" ")})` : "";
    const results = g.results.length ? ` (result ${g.results.join(" ")})` : "";
    const fallback = g.name === "rf_abi_version" ? "(i32.const 1)" : g.name === "rf_event_buffer" ? `(i32.const ${SKELETON_EVENT_BUFFER})` : "";
    return `  (func $${g.name} (export "${g.name}")${params}${results} ${parts.bodies?.[g.name] ?? fallback})`;
  });
  return [
    "(module",
    ...imports,
    `  (memory $memory (export "${GUEST_MEMORY_EXPORT}") ${parts.memory ?? "1 16"})`,
    ...exports,
    parts.extra ?? "",
    ")",
  ].join("\n");
}

let cached: Uint8Array | null = null;

/** The bare skeleton as bytes (empty callbacks); what -ttf grows from. */
export function skeletonBytes(): Uint8Array {
  cached ??= watToBytes(skeletonWat());
  return cached;
}
