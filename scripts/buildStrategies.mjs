// Compiles every example strategy, strategies/<name>/strategy.ts, into
// <outDir>/<name>.wasm. Plain JS because scripts/build.mjs is plain Node ESM
// and cannot import host/compiler/*.ts.
//
// It must produce the same bytes as host/compiler/compileStrategy.ts (the
// `ringfence build` path): same flags (asc reads asconfig.json itself, via
// --config), same virtual file layout (the strategy under strategy/, the SDK
// as the "ringfence" package), so the same source paths get embedded.
// test/unit/compiler/buildStrategies.test.ts compares the two byte for byte.
// Example sources are trusted repository files, so the reader here is a
// plain mapping; the sandboxed one for untrusted sources is
// host/compiler/sourceReader.ts.
import asc from "assemblyscript/asc";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Keep in step with host/compiler/ascOptions.ts (VIRTUAL_CONFIG_NAME, VIRTUAL_OUT_FILE, ascArgv).
const VIRTUAL_CONFIG_NAME = "ringfence.asconfig.json";
const VIRTUAL_OUT_FILE = "strategy.wasm";
const SDK_REQUEST = /^(?:\.\.\/)*node_modules\/ringfence\/([A-Za-z0-9_/-]+)\.ts$/;

/** Example strategy names: the folders of strategies/ that hold a strategy.ts, sorted. */
export function exampleStrategyNames() {
  const dir = join(root, "strategies");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "strategy.ts")))
    .map((d) => d.name)
    .sort();
}

/** Compiles one example; resolves to the wasm bytes or rejects with a one-line Error. */
export async function compileExampleStrategy(name, { target = "release" } = {}) {
  const strategyDir = join(root, "strategies", name);
  const configText = readFileSync(join(root, "asconfig.json"), "utf8");
  let wasm;
  const errors = [];
  const { error } = await asc.main(
    ["strategy/strategy.ts", "--config", VIRTUAL_CONFIG_NAME, "--target", target, "--outFile", VIRTUAL_OUT_FILE, "--noColors"],
    {
      readFile(path) {
        if (path === VIRTUAL_CONFIG_NAME) return configText;
        if (path.startsWith("strategy/") && !path.includes("..")) {
          const p = join(strategyDir, path.slice("strategy/".length));
          return existsSync(p) ? readFileSync(p, "utf8") : null;
        }
        const m = SDK_REQUEST.exec(path);
        if (m && !m[1].split("/").includes("node_modules")) {
          const p = join(root, "assembly", `${m[1]}.ts`);
          return existsSync(p) ? readFileSync(p, "utf8") : null;
        }
        return null;
      },
      writeFile(path, contents) {
        if (path === VIRTUAL_OUT_FILE) wasm = contents;
      },
      listFiles: () => [],
      stdout: { write() {} },
      stderr: { write() {} },
      reportDiagnostic(d) {
        if (d.category === 3) errors.push(`${d.range ? d.range.source.normalizedPath + ": " : ""}${d.message}`);
      },
    },
  );
  if (errors.length > 0 || error || !wasm) {
    const first = errors[0] ?? error?.message ?? "no output";
    throw new Error(`strategies/${name}: ${first.replace(/\s*\n\s*/g, " ")}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`);
  }
  return new Uint8Array(wasm);
}

/**
 * Builds every example into outDir/<name>.wasm (creating outDir).
 * Returns [{ name, path, bytes, sha256 }] in name order.
 */
export async function buildExampleStrategies(outDir, { quiet = true } = {}) {
  mkdirSync(outDir, { recursive: true });
  const built = [];
  for (const name of exampleStrategyNames()) {
    const wasm = await compileExampleStrategy(name);
    const path = join(outDir, `${name}.wasm`);
    writeFileSync(path, wasm);
    const sha256 = createHash("sha256").update(wasm).digest("hex");
    built.push({ name, path, bytes: wasm.length, sha256 });
    if (!quiet) console.log(`strategy ${name}: ${path} ${wasm.length} bytes sha256:${sha256}`);
  }
  return built;
}
