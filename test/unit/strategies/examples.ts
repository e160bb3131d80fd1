/** Compiles the example strategies for tests (once per test file and target). */
import { join } from "node:path";
import { compileStrategy } from "../../../host/compiler/compileStrategy.ts";
import type { AscTarget } from "../../../host/compiler/ascOptions.ts";
import { repoRoot } from "../../support/dist.ts";

export const EXAMPLES = ["market-maker", "momentum", "mean-reversion"] as const;
export type ExampleName = (typeof EXAMPLES)[number];

const cache = new Map<string, Promise<Uint8Array>>();

export function exampleEntry(name: string): string {
  return join(repoRoot, "strategies", name, "strategy.ts");
}

export function compileExample(name: ExampleName, target: AscTarget = "release"): Promise<Uint8Array> {
  const key = `${name}:${target}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = compileStrategy(exampleEntry(name), { target }).then((r) => r.wasm);
    cache.set(key, p);
  }
  return p;
}

/** Parameters as the host passes them. */
export function params(obj: Record<string, number>): ReadonlyMap<string, number> {
  return new Map(Object.entries(obj));
}
