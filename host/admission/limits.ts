/**
 * Admission limits: the static size policy a module must meet before it is
 * metered or instantiated. A plain frozen object built once at the boundary
 * (Wasmtime `limits.rs` style); verifyModule only reads it.
 *
 * Defaults are sized for AssemblyScript strategies (typically 10–200 KB,
 * a few hundred functions) with an order of magnitude of headroom, and far
 * below V8's own limits, so that admission — not a V8 CompileError deep in a
 * worker — is where an oversized module is turned away.
 */
import { DEFAULT_METER_OPTIONS } from "../metering/meterAbi.ts";

export interface AdmissionLimits {
  /** Whole module size; checked before anything else is read. */
  readonly maxModuleBytes: number;
  /** Functions defined by the module (imports are counted by maxImports). */
  readonly maxFunctions: number;
  /** Declared locals of one function, parameters not included. */
  readonly maxLocalsPerFunction: number;
  /** Parameters of one defined function. */
  readonly maxParamsPerFunction: number;
  /** Globals defined by the module (the metering rewrite adds 4 of its own). */
  readonly maxGlobals: number;
  /** Initial size of the table, and the total entries of all element segments. */
  readonly maxTableElements: number;
  readonly maxDataSegments: number;
  /** Sum of the byte lengths of all data segments. */
  readonly maxDataBytes: number;
  /**
   * Memory cap in 64 KiB pages. An initial size above it is rejected; a
   * declared maximum above it (or none) is admitted and lowered to it by the
   * metering rewrite.
   */
  readonly maxMemoryPages: number;
  readonly maxExports: number;
  readonly maxImports: number;
  /**
   * Entries of the type section. Checked before V8 validates the module:
   * validation time grew with the square of distinct types (100 000 took 50 s).
   */
  readonly maxTypes: number;
  /** Results of one function type (the metering rewrite adds one: V8 allows 1000). */
  readonly maxResultsPerType: number;
  /** Bytes of one function body: metering grows a body up to ~10x, and V8 refuses a function over ~7.6 MB. */
  readonly maxFunctionBodyBytes: number;
  /** Declared locals of all functions together: metering works per local (9 990 functions of 2 048 locals took 10-20 s and 400 MB to meter). */
  readonly maxTotalLocals: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = Object.freeze({
  maxModuleBytes: 4 * 1024 * 1024,
  maxFunctions: 10_000,
  maxLocalsPerFunction: 2048,
  maxParamsPerFunction: 32,
  maxGlobals: 1024,
  maxTableElements: 4096,
  maxDataSegments: 4096,
  maxDataBytes: 1024 * 1024,
  maxMemoryPages: DEFAULT_METER_OPTIONS.maxMemoryPages, // 256 pages = 16 MiB; one cap for admission and metering
  maxExports: 128,
  maxImports: 64,
  maxTypes: 1024,
  maxResultsPerType: 16,
  maxFunctionBodyBytes: 256 * 1024,
  maxTotalLocals: 256 * 1024,
});

/** Smallest and largest value each option accepts. */
const RANGES: Readonly<Record<keyof AdmissionLimits, readonly [number, number]>> = Object.freeze({
  maxModuleBytes: [8, 1 << 30], // 8 = the header alone; V8 refuses modules over 1 GiB
  maxFunctions: [0, 1_000_000],
  maxLocalsPerFunction: [0, 50_000],
  maxParamsPerFunction: [0, 1000],
  maxGlobals: [0, 1_000_000],
  maxTableElements: [0, 10_000_000],
  maxDataSegments: [0, 100_000],
  maxDataBytes: [0, 1 << 30],
  maxMemoryPages: [1, 65_536], // 65536 pages = the whole 4 GiB wasm32 address space
  maxExports: [0, 100_000],
  maxImports: [0, 100_000],
  maxTypes: [0, 20_000],
  maxResultsPerType: [0, 999],
  maxFunctionBodyBytes: [0, 512 * 1024],
  maxTotalLocals: [0, 50_000_000],
});

/**
 * Builds limits from the defaults plus overrides. Throws RangeError naming the
 * option (`maxFunctions=-1: ...`) for an unknown option or a value that is not
 * an integer in range. The result is frozen.
 */
export function admissionLimits(overrides: Partial<AdmissionLimits> = {}): AdmissionLimits {
  const out: Record<string, number> = { ...DEFAULT_ADMISSION_LIMITS };
  for (const key of Object.keys(overrides)) {
    const range = (RANGES as Record<string, readonly [number, number] | undefined>)[key];
    if (range === undefined) throw new RangeError(`unknown admission limit '${key}' (known: ${Object.keys(RANGES).join(", ")})`);
    const value = (overrides as Record<string, unknown>)[key];
    if (value === undefined) continue; // Partial<> allows an explicit undefined: keep the default
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < range[0] || value > range[1]) {
      throw new RangeError(`${key}=${String(value)}: must be an integer in [${range[0]}, ${range[1]}]`);
    }
    out[key] = value;
  }
  return Object.freeze(out as unknown as AdmissionLimits);
}
