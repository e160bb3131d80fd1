/**
 * WAT text → wasm bytes for the benchmark kernels (binaryen's parser; the
 * features are the admission allowlist, so kernels cannot use anything a
 * real strategy could not).
 */
import binaryen from "binaryen";
import { METERED_FEATURES } from "../../host/metering/instrument.ts";
import { quietly } from "../../host/metering/binaryenApi.ts";

export function watToWasm(text: string): Uint8Array {
  return quietly(() => {
    const module = binaryen.parseText(text);
    try {
      module.setFeatures(METERED_FEATURES);
      if (!module.validate()) throw new Error("kernel WAT does not validate");
      return module.emitBinary();
    } finally {
      module.dispose();
    }
  });
}
