/**
 * Post-build check of a compiled strategy against guest ABI v1: what it
 * imports and exports. Admission checks the same things (and more) for any
 * module; doing it here turns the usual AssemblyScript slips into build
 * errors that say what to change in the source.
 */
import { GUEST_EXPORTS, GUEST_MEMORY_EXPORT, HOST_CALL_BY_NAME } from "../abi/callTable.ts";
import { IMPORT_NAMESPACE } from "../abi/version.ts";
import { printableAscii, quoted } from "../text/printable.ts";
import { formatSignature, readModuleInterface, type FunctionSignature } from "./moduleInterface.ts";

/** Why a well-known non-ringfence import appears, and what to do instead. */
const IMPORT_HINTS: Readonly<Record<string, string>> = {
  "env.seed": "Math.random is not available: strategies must be deterministic (derive randomness from event data, e.g. seq)",
  "env.trace": "trace() is not available: use log() or logLine() from \"ringfence\"",
  "env.abort": "abort is not routed to ringfence.abort: build with `ringfence build`, which applies asconfig.json",
  "env.Date.now": "Date.now is not available: use the event's timeNs (or nowNs() from \"ringfence\")",
  "env.performance.now": "performance.now is not available: use the event's timeNs",
  "env.console.log": "console is not available: use log() from \"ringfence\"",
};

const GUEST_EXPORT_BY_NAME = new Map(GUEST_EXPORTS.map((e) => [e.name, e]));

/** Longest import or export name a message shows (an @external name may be any string). */
const MAX_SHOWN_NAME_CHARS = 120;

/**
 * Returns one message per violation (empty when the module meets the ABI).
 * Import and export names come from the source (`@external("env", "…")`),
 * so they are shown as printable ASCII: a newline or an escape sequence in
 * one cannot break or forge a line of the build's output.
 */
export function checkGuestAbi(wasm: Uint8Array): string[] {
  const problems: string[] = [];
  const iface = readModuleInterface(wasm);

  for (const imp of iface.imports) {
    const raw = `${imp.module}.${imp.name}`;
    const qualified = printableAscii(raw, MAX_SHOWN_NAME_CHARS);
    if (imp.module !== IMPORT_NAMESPACE) {
      const hint = IMPORT_HINTS[raw] ?? (imp.module === "env" && imp.name.startsWith("console.") ? IMPORT_HINTS["env.console.log"] : undefined);
      problems.push(`module imports ${qualified}; only '${IMPORT_NAMESPACE}' host calls may be imported${hint ? ` (${hint})` : ""}`);
      continue;
    }
    const spec = HOST_CALL_BY_NAME.get(imp.name);
    if (spec === undefined) {
      problems.push(`module imports ${qualified}, which is not a ringfence host call (see host/abi/callTable.ts)`);
    } else if (imp.kind !== "function") {
      problems.push(`module imports ${qualified} as a ${imp.kind}; it is a function`);
    } else if (!sameSignature(imp.signature, spec)) {
      problems.push(`module imports ${qualified} as ${formatSignature(imp.signature!)}; ABI v1 says ${formatSignature(spec)}`);
    }
  }

  let memories = 0;
  for (const exp of iface.exports) {
    if (exp.name === GUEST_MEMORY_EXPORT && exp.kind === "memory") { memories++; continue; }
    const spec = GUEST_EXPORT_BY_NAME.get(exp.name);
    if (spec === undefined) {
      problems.push(`module exports ${quoted(exp.name, "'", MAX_SHOWN_NAME_CHARS)}, which is not part of guest ABI v1 (a misspelt callback? expected ${GUEST_EXPORTS.map((e) => e.name).join(", ")})`);
    } else if (exp.kind !== "function" || !sameSignature(exp.signature, spec)) {
      problems.push(`export ${quoted(exp.name, "'", MAX_SHOWN_NAME_CHARS)} must be a function ${formatSignature(spec)}`);
    }
  }
  if (memories !== 1) problems.push(`module must export exactly one memory named '${GUEST_MEMORY_EXPORT}'`);
  const exported = new Set(iface.exports.map((e) => e.name));
  const missing = GUEST_EXPORTS.filter((e) => !exported.has(e.name)).map((e) => e.name);
  if (missing.length > 0) {
    problems.push(`module does not export ${missing.join(", ")} (add \`export * from "ringfence/exports";\` to the strategy's entry file)`);
  }
  return problems;
}

function sameSignature(sig: FunctionSignature | undefined, spec: FunctionSignature): boolean {
  if (sig === undefined) return false;
  return sig.params.length === spec.params.length && sig.results.length === spec.results.length
    && sig.params.every((t, i) => t === spec.params[i]) && sig.results.every((t, i) => t === spec.results[i]);
}
