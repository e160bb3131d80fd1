/** The `ringfence bench fuel` kernel suite, in report order. */
import { fibRecursion } from "./fibRecursion.ts";
import type { FuelKernel } from "./kernel.ts";
import { memoryEma } from "./memoryEma.ts";
import { multiplyChain } from "./multiplyChain.ts";
import { tightLoop } from "./tightLoop.ts";

export type { FuelKernel } from "./kernel.ts";

export const FUEL_KERNELS: readonly FuelKernel[] = Object.freeze([tightLoop, multiplyChain, memoryEma, fibRecursion]);
