/**
 * What instrumentModule decides for some bytes, as a plain object a worker
 * can post back: the digest of the metered module, or the error line. The
 * main-thread tests and meteringVerdict.worker.ts call this same function.
 */
import { createHash } from "node:crypto";
import { instrumentModule } from "../../../host/metering/instrument.ts";

export type MeteringVerdict = { readonly metered: string } | { readonly refused: string };

export function meteringVerdict(bytes: Uint8Array): MeteringVerdict {
  try {
    return { metered: createHash("sha256").update(instrumentModule(bytes)).digest("hex") };
  } catch (e) {
    return { refused: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
