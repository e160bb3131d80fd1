/** What an admission task carries to a pool worker and what it sends back. */
import type { AdmissionReason } from "../../admission/verify.ts";

export interface AdmitTask {
  readonly bytes: Uint8Array;
  readonly label: string;
  /** Also send back the compiled metered module (for a deployment's strategy worker). */
  readonly wantModule?: boolean;
}

export interface AdmitResult {
  readonly admitted: boolean;
  readonly codeId: string;
  readonly reasons: readonly AdmissionReason[];
  readonly notes: readonly string[];
  /** Size of the metered module that will actually run (admitted modules only). */
  readonly meteredBytes: number;
  /** The compiled metered module, when asked for (WebAssembly.Module is structured-cloneable). */
  readonly module?: WebAssembly.Module;
}
