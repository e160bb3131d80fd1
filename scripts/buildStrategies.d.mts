// Types for buildStrategies.mjs (plain JS so scripts/build.mjs can import it).
export interface BuiltStrategy {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}
/** Example strategy names: folders of strategies/ holding a strategy.ts, sorted. */
export function exampleStrategyNames(): string[];
/** Compiles one example with asconfig.json's flags; rejects with a one-line Error. */
export function compileExampleStrategy(name: string, options?: { target?: "release" | "audit" }): Promise<Uint8Array>;
/** Builds every example into outDir/<name>.wasm. */
export function buildExampleStrategies(outDir: string, options?: { quiet?: boolean }): Promise<BuiltStrategy[]>;
