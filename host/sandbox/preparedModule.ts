/**
 * Admission pipeline for one uploaded module: verify (reject before anything
 * runs) → meter (binaryen rewrite) → compile. The result is immutable and
 * can be shared by every run and every worker (WebAssembly.Module is
 * structured-cloneable). Pinned by codeId: the SHA-256 of the ORIGINAL bytes.
 */
import { verifyModule, type AdmissionReason } from "../admission/verify.ts";
import { admissionLimits } from "../admission/limits.ts";
import { instrumentModule } from "../metering/instrument.ts";
import type { SandboxLimits } from "./limits.ts";

export interface PreparedModule {
  readonly codeId: string;
  /** The module as uploaded (what codeId hashes); kept for session recordings. Absent inside workers. */
  readonly bytes?: Uint8Array;
  readonly meteredBytes: Uint8Array;
  readonly module: WebAssembly.Module;
  readonly notes: readonly string[];
}

export class AdmissionRejected extends Error {
  constructor(readonly codeId: string, readonly reasons: readonly AdmissionReason[], label: string) {
    super(`${label}: rejected by admission: ${reasons.map((r) => `${r.code} (${r.message})`).join("; ")}`);
  }
}

/** Throws AdmissionRejected with every reason; `label` names the module in messages. */
export function prepareModule(bytes: Uint8Array, limits: SandboxLimits, label: string): PreparedModule {
  const result = verifyModule(bytes, admissionLimits({ maxMemoryPages: limits.maxMemoryPages }));
  if (!result.admitted) throw new AdmissionRejected(result.codeId, result.reasons, label);
  const meteredBytes = instrumentModule(bytes, { stackBudget: limits.stackBudget, maxMemoryPages: limits.maxMemoryPages });
  const module = new WebAssembly.Module(meteredBytes as Uint8Array<ArrayBuffer>);
  return Object.freeze({ codeId: result.codeId, bytes, meteredBytes, module, notes: Object.freeze([...result.notes]) });
}
