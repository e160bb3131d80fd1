/**
 * The AssemblyScript compiler flags for strategies, in one place.
 *
 * The flags themselves live in the repository's asconfig.json (so
 * `scripts/buildStrategies.mjs`, which is plain JS, and this module read the
 * same file); this module is the only TypeScript that reads it, and it
 * refuses a config that would break an invariant the rest of ringfence
 * relies on:
 *
 * - wasm features: only MVP, mutable-globals, sign-extension,
 *   nontrapping-f2i, bulk-memory and multi-value may be on. asc 0.28 enables
 *   the first four of these by default and nothing else; asconfig.json still
 *   disables every other feature asc knows, by name, so a future asc that
 *   turned SIMD or threads on by default could not slip it in.
 * - `abort` is aliased to the SDK's ringfenceAbort, so a module imports
 *   `ringfence.abort`, never `env.abort`.
 * - no bindings, no exported runtime, no source map or debug names, no
 *   imported/shared memory or table, no transforms or extra library paths:
 *   each would add imports, exports or bytes that depend on the machine.
 *
 * Targets: "release" (incremental GC; what strategies run with) and "audit"
 * (the stub runtime, which never frees: tests use it to prove a strategy
 * allocates nothing per event, because any allocation then grows memory).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** wasm features a strategy module may use. */
export const ALLOWED_WASM_FEATURES = Object.freeze([
  "mvp", "mutable-globals", "sign-extension", "nontrapping-f2i", "bulk-memory", "multi-value",
] as const);

/** Every feature asc 0.28 can enable that is outside the allowlist; asconfig.json must disable each. */
export const FORBIDDEN_WASM_FEATURES = Object.freeze([
  "simd", "relaxed-simd", "threads", "reference-types", "gc", "stringref",
  "exception-handling", "tail-calls", "memory64", "extended-const",
] as const);

/** The `--use` alias that routes AssemblyScript's abort to the SDK (assembly/abort.ts). */
export const ABORT_ALIAS = "abort=~lib/ringfence/abort/ringfenceAbort";

export const ASC_TARGETS = Object.freeze(["release", "audit"] as const);
export type AscTarget = (typeof ASC_TARGETS)[number];
export const DEFAULT_ASC_TARGET: AscTarget = "release";

export const ASC_RUNTIMES = Object.freeze(["incremental", "stub"] as const);

/**
 * Name under which the compiler's virtual file system serves asconfig.json
 * to asc (`--config`). Distinct from "asconfig.json" so asc never picks up a
 * config from anywhere by its default name.
 */
export const VIRTUAL_CONFIG_NAME = "ringfence.asconfig.json";
/** Name of the emitted binary inside the virtual file system. */
export const VIRTUAL_OUT_FILE = "strategy.wasm";

/** Keys allowed in a target, with the only values they may take (undefined: any listed check). */
const TARGET_RULES: Readonly<Record<string, (v: unknown) => boolean>> = {
  optimizeLevel: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3,
  shrinkLevel: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2,
  converge: (v) => typeof v === "boolean",
  noAssert: (v) => typeof v === "boolean",
  runtime: (v) => (ASC_RUNTIMES as readonly unknown[]).includes(v),
  debug: (v) => v === false,
  sourceMap: (v) => v === false,
};

const OPTION_RULES: Readonly<Record<string, (v: unknown) => boolean>> = {
  exportRuntime: (v) => v === false,
  use: (v) => Array.isArray(v) && v.length === 1 && v[0] === ABORT_ALIAS,
  disable: (v) => Array.isArray(v) && v.every((f) => typeof f === "string")
    && FORBIDDEN_WASM_FEATURES.every((f) => (v as string[]).includes(f)),
};

export interface AscConfig {
  /** Directory holding asconfig.json and assembly/ (the SDK). */
  readonly root: string;
  /** The SDK directory, assembly/. */
  readonly sdkDir: string;
  /** asconfig.json exactly as read: asc parses this text itself. */
  readonly configText: string;
  readonly targets: Readonly<Record<AscTarget, Readonly<Record<string, unknown>>>>;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * The project root: the nearest directory at or above this module that has
 * asconfig.json and assembly/exports.ts. Works from host/compiler/*.ts and
 * from the esbuild bundles under dist/ alike.
 */
export function findProjectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "asconfig.json")) && existsSync(join(dir, "assembly", "exports.ts"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ringfence SDK (asconfig.json and assembly/) above ${from}`);
    dir = parent;
  }
}

/** Parses and checks asconfig.json text; throws a one-line Error naming the offending key. */
export function parseAscConfig(text: string, where = "asconfig.json"): { targets: AscConfig["targets"]; options: AscConfig["options"] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(json)) throw new Error(`${where}: expected an object`);
  for (const k of Object.keys(json)) {
    if (k !== "targets" && k !== "options") throw new Error(`${where}: top-level key '${k}' is not allowed (only targets, options)`);
  }
  const targets = json.targets;
  const options = json.options;
  if (!isRecord(targets)) throw new Error(`${where}: 'targets' must be an object`);
  if (!isRecord(options)) throw new Error(`${where}: 'options' must be an object`);
  for (const name of Object.keys(targets)) {
    if (!(ASC_TARGETS as readonly string[]).includes(name)) throw new Error(`${where}: target '${name}' is unknown (expected ${ASC_TARGETS.join(", ")})`);
  }
  for (const name of ASC_TARGETS) {
    const t = targets[name];
    if (!isRecord(t)) throw new Error(`${where}: target '${name}' is missing`);
    checkKeys(`${where}: targets.${name}`, t, TARGET_RULES);
    if (t.runtime === undefined) throw new Error(`${where}: targets.${name}.runtime must be set (one of ${ASC_RUNTIMES.join(", ")})`);
  }
  checkKeys(`${where}: options`, options, OPTION_RULES);
  if (options.use === undefined) throw new Error(`${where}: options.use must be ["${ABORT_ALIAS}"]`);
  if (options.disable === undefined) throw new Error(`${where}: options.disable must list ${FORBIDDEN_WASM_FEATURES.join(", ")}`);
  return { targets: targets as AscConfig["targets"], options };
}

function checkKeys(where: string, obj: Record<string, unknown>, rules: Readonly<Record<string, (v: unknown) => boolean>>): void {
  for (const [k, v] of Object.entries(obj)) {
    const rule = rules[k];
    if (rule === undefined) throw new Error(`${where}.${k} is not allowed for strategies (allowed: ${Object.keys(rules).join(", ")})`);
    if (!rule(v)) throw new Error(`${where}.${k} has a value strategies may not use: ${JSON.stringify(v)}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

let cached: AscConfig | undefined;

/** Reads and checks the project's asconfig.json (once per process). */
export function loadAscConfig(root: string = findProjectRoot()): AscConfig {
  if (cached !== undefined && cached.root === root) return cached;
  const path = join(root, "asconfig.json");
  const configText = readFileSync(path, "utf8");
  const { targets, options } = parseAscConfig(configText, path);
  cached = Object.freeze({ root, sdkDir: join(root, "assembly"), configText, targets, options });
  return cached;
}

/**
 * The asc command line for one entry file (a virtual path; see
 * compileStrategy.ts). Everything that affects code generation comes from
 * the config file; the rest only names inputs and outputs.
 */
export function ascArgv(entryVirtualPath: string, target: AscTarget = DEFAULT_ASC_TARGET): string[] {
  return [
    entryVirtualPath,
    "--config", VIRTUAL_CONFIG_NAME,
    "--target", target,
    "--outFile", VIRTUAL_OUT_FILE,
    "--noColors",
  ];
}
