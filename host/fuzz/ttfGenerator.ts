/**
 * Random valid modules that keep the ABI: `wasm-opt -ttf` (translate-to-fuzz)
 * grows random code around the ABI skeleton (abiSkeleton.ts), keeping its
 * imports — the whole host call table — and exports
 * (`--fuzz-preserve-imports-exports`), so the random code calls the real
 * host calls with random arguments.
 *
 * Seeding: -ttf reads its input file's bytes as its random source, so the
 * input is `length` bytes from Xoshiro128(caseSeed): same seed, same module.
 * Features are restricted to the admission allowlist (docs/admission.md), so
 * modules are admitted and reach the sandbox instead of dying at the gate.
 *
 * The hang limit: -ttf bounds every loop and call with a global counter
 * that traps at zero and that only its own JS harness re-arms. Left alone,
 * every module traps within ~100 steps of its whole life, usually in
 * rf_start. So most modules get a post-pass (binaryen.js) that re-arms the
 * counter at the top of each ABI export, once per callback, letting them
 * live through many events; the rest stay raw.
 *
 * Allocates freely; one generator per thread (it owns a wasm-opt instance).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GUEST_EXPORTS } from "../abi/callTable.ts";
import { Xoshiro128 } from "../feed/prng.ts";
import { B, binaryen, quietly } from "../metering/binaryenApi.ts";
import { METERED_FEATURES } from "../metering/instrument.ts";
import { errorLine } from "../text/printable.ts";
import { skeletonBytes } from "./abiSkeleton.ts";
import { InProcessWasmOpt } from "./wasmOpt.ts";

/** Exactly the admission allowlist. */
export const TTF_FEATURE_FLAGS: readonly string[] = Object.freeze([
  "--mvp-features",
  "--enable-mutable-globals",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-multivalue",
]);

export interface GeneratedModule {
  readonly bytes: Uint8Array;
  /** How it was made, e.g. "ttf 2417 B, hang limit 1000 per callback". */
  readonly note: string;
}

export class TtfGenerator {
  private readonly dir: string;
  private readonly skeletonPath: string;
  private generated = 0;

  private constructor(private opt: InProcessWasmOpt, parentDir: string) {
    this.dir = mkdtempSync(join(parentDir, "ringfence-ttf-"));
    this.skeletonPath = join(this.dir, "skeleton.wasm");
    writeFileSync(this.skeletonPath, skeletonBytes());
  }

  /** Keeps its scratch files in a new directory under `parentDir` (default: the OS temp dir). */
  static async create(parentDir: string = tmpdir()): Promise<TtfGenerator> {
    return new TtfGenerator(await InProcessWasmOpt.load(), parentDir);
  }

  /** Modules made so far. */
  get count(): number {
    return this.generated;
  }

  /**
   * One module for `caseSeed`. Returns null when wasm-opt failed (then the
   * instance is replaced before the next call); never throws for that.
   */
  async generate(caseSeed: number): Promise<GeneratedModule | null> {
    if (!this.opt.usable) this.opt = await InProcessWasmOpt.load();
    const rng = new Xoshiro128(caseSeed);
    // 256 B .. 8 KiB of randomness: small modules run fast, large ones reach more code shapes.
    const length = 256 + rng.below(8 * 1024 - 256);
    const input = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const r = rng.nextU32();
      input[i] = r & 0xff;
      if (i + 1 < length) input[i + 1] = (r >>> 8) & 0xff;
      if (i + 2 < length) input[i + 2] = (r >>> 16) & 0xff;
      if (i + 3 < length) input[i + 3] = r >>> 24;
    }
    const inPath = join(this.dir, "input.bin");
    const outPath = join(this.dir, "out.wasm");
    writeFileSync(inPath, input);
    const args = [inPath, "-ttf", "--fuzz-preserve-imports-exports", `--initial-fuzz=${this.skeletonPath}`, ...TTF_FEATURE_FLAGS, "-q", "-o", outPath];
    const result = this.opt.run(args);
    if (result.exitCode !== 0) return null;
    let bytes: Uint8Array = new Uint8Array(readFileSync(outPath));
    this.generated++;
    // 3 in 4 re-arm the hang limit per callback, at one of three sizes; 1 in 4 stay raw.
    const choice = rng.below(4);
    let note = `ttf ${length} B of seed`;
    if (choice < 3) {
      const limit = [100, 1_000, 10_000][choice];
      try {
        const rearmed = rearmHangLimit(bytes, limit);
        if (rearmed !== null) {
          bytes = rearmed;
          note += `, hang limit ${limit} per callback`;
        }
      } catch (e) {
        // binaryen could not read what wasm-opt wrote: keep it raw, the pipeline will have to cope with it too.
        note += `, hang limit not re-armed (${errorLine(e)})`;
      }
    }
    return { bytes, note };
  }

  /** Removes the temp directory. */
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Re-arms -ttf's hang-limit global at the top of every ABI export. The
 * global is found by the shape -ttf gives every function it emits:
 * `(if (i32.eqz (global.get $hang)) (then ... unreachable))` first. Returns
 * null when the shape is not there (wasm-opt changed): the module stays raw.
 */
export function rearmHangLimit(bytes: Uint8Array, limit: number): Uint8Array | null {
  return quietly(() => {
    const module = binaryen.readBinaryWithFeatures(bytes, METERED_FEATURES);
    try {
      const functionOf = (exportName: string): number => {
        const ex = module.getExport(exportName);
        if (ex === 0) return 0;
        const info = binaryen.getExportInfo(ex);
        return info.kind === binaryen.ExternalFunction ? module.getFunction(info.value) : 0;
      };
      let hang: string | null = null;
      for (const g of GUEST_EXPORTS) {
        const f = functionOf(g.name);
        if (f !== 0) hang ??= hangGlobalOf(B.Function.getBody(f));
      }
      if (hang === null) return null;
      for (const g of GUEST_EXPORTS) {
        const f = functionOf(g.name);
        if (f === 0) continue;
        const body = B.Function.getBody(f);
        const type = binaryen.getExpressionInfo(body).type;
        B.Function.setBody(f, module.block(null, [module.global.set(hang, module.i32.const(limit)), body], type));
      }
      if (!module.validate()) return null;
      return module.emitBinary();
    } finally {
      module.dispose();
    }
  });
}

function hangGlobalOf(body: number): string | null {
  let first = body;
  const info = binaryen.getExpressionInfo(body);
  if (info.id === binaryen.BlockId) {
    const children = (info as binaryen.BlockInfo).children;
    if (children.length === 0) return null;
    first = children[0];
  }
  const ifInfo = binaryen.getExpressionInfo(first);
  if (ifInfo.id !== binaryen.IfId) return null;
  const cond = binaryen.getExpressionInfo((ifInfo as binaryen.IfInfo).condition);
  if (cond.id !== binaryen.UnaryId || (cond as binaryen.UnaryInfo).op !== binaryen.EqZInt32) return null;
  const get = binaryen.getExpressionInfo((cond as binaryen.UnaryInfo).value);
  if (get.id !== binaryen.GlobalGetId) return null;
  return (get as binaryen.GlobalGetInfo).name;
}
