// Bundles the CLI and every worker entry point with esbuild into dist/.
// Workers must be plain JS files (Node cannot start a .ts worker), so each
// entry under host/**/*.worker.ts becomes dist/<name>.worker.mjs.
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function findWorkers(dir) {
  const out = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...findWorkers(p));
    else if (ent.name.endsWith(".worker.ts")) out.push(p);
  }
  return out;
}

export async function buildAll({ quiet = false } = {}) {
  const entryPoints = { cli: join(root, "host", "cli", "main.ts") };
  for (const w of findWorkers(join(root, "host"))) {
    entryPoints[w.slice(w.lastIndexOf("/") + 1).replace(/\.ts$/, "")] = w;
  }
  // Test-only and benchmark workers → dist/test/<name>.mjs, dist/bench/<name>.mjs.
  for (const tree of ["test", "bench"]) {
    for (const w of findWorkers(join(root, tree))) {
      entryPoints[`${tree}/${w.slice(w.lastIndexOf("/") + 1).replace(/\.ts$/, "")}`] = w;
    }
  }
  await build({
    entryPoints,
    outdir: join(root, "dist"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: quiet ? "silent" : "info",
    // Lazy `import()` of commands stays lazy: code splitting keeps them in chunks.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  });
  // The example strategies, for `npm start` (demo) and the tests. Rebuilt only
  // when a strategy or SDK source is newer than its wasm (asc takes ~1 s each).
  const { buildExampleStrategies } = await import("./buildStrategies.mjs");
  await buildExampleStrategies(join(root, "dist", "strategies"), { quiet });
  if (!quiet) console.log(`built ${Object.keys(entryPoints).length} entry points into ${relative(process.cwd(), join(root, "dist")) || "dist"}/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildAll();
}
