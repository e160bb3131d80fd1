/**
 * Case number n of a campaign with seed S, as a pure function of (S, n):
 * which generator makes it, its seed, and which neighbours run beside it.
 * Any worker can make any case, so a failure is reproduced from (S, n)
 * alone, whichever worker met it first.
 */
import { baseCase, type FuzzCase } from "./fuzzCase.ts";
import type { FuzzEnvironment } from "./fuzzEnvironment.ts";
import { mutateExample } from "./mutator.ts";
import { ScriptGenerator } from "./scriptGenerator.ts";
import type { TtfGenerator } from "./ttfGenerator.ts";

export type GeneratorKind = "ttf" | "script" | "mutate";

/** Half the cases from -ttf (the main generator), a quarter each scripted and mutated. */
const ROTATION: readonly GeneratorKind[] = ["ttf", "script", "ttf", "mutate"];

export function generatorFor(index: number): GeneratorKind {
  return ROTATION[index % ROTATION.length];
}

/** Mixes the campaign seed and the case number into a case seed (a safe integer). */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index >>> 0, 0xc2b2ae35) ^ Math.floor(seed / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) + (index % 2048) * 4294967296;
}

export class CaseFactory {
  private readonly baseNames: string[];
  private readonly bases: Uint8Array[];

  constructor(private readonly env: FuzzEnvironment, private readonly ttf: TtfGenerator | null) {
    this.baseNames = [...env.examples.keys()].sort();
    this.bases = this.baseNames.map((n) => env.examples.get(n)!);
  }

  /** Case `index` of campaign `seed`, or null when the generator could not make one (wasm-opt failed). */
  async make(seed: number, index: number): Promise<FuzzCase | null> {
    const kind = generatorFor(index);
    const s = caseSeed(seed, index);
    const name = `${kind}-${seed}-${index}`;
    let made: { bytes: Uint8Array; note: string } | null;
    if (kind === "ttf") {
      if (this.ttf === null) return null;
      made = await this.ttf.generate(s);
    } else if (kind === "script") {
      made = ScriptGenerator.generate(s);
    } else {
      made = mutateExample(this.bases, this.baseNames, s);
    }
    if (made === null) return null;
    const n = this.env.neighbours.length;
    return {
      ...baseCase(name, kind === "mutate" ? "mutated" : "generated", kind, made.bytes, made.note),
      // One neighbour, rotating through the examples (and the hostile strategy's position before or
      // after it): each neighbour costs as much as the case again, and one is enough to be disturbed.
      neighbours: n === 0 ? 0 : 1,
      slot: (index >>> 2) % (2 * n),
    };
  }
}
