/**
 * The service as a separate process, for tests that kill it: `serve` and
 * `keys` bundled with esbuild into dist/test/serviceCli.mjs (next to the
 * worker bundles it finds through host/cli/builtPaths.ts), so the test does
 * not depend on how host/cli/main.ts registers the commands.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../../support/dist.ts";

const ENTRY = `
import { run as serve } from "./host/cli/commands/serve.ts";
import { run as keys } from "./host/cli/commands/keys.ts";
import { CliError } from "./host/cli/errors.ts";
const [name, ...rest] = process.argv.slice(2);
try {
  process.exitCode = await (name === "serve" ? serve : keys)(rest);
} catch (e) {
  process.stderr.write("ringfence: " + (e instanceof CliError ? e.message : "internal error: " + String(e?.message ?? e)) + "\\n");
  process.exitCode = e instanceof CliError ? e.exitCode : 1;
}
`;

let bundled: Promise<string> | null = null;

export function serviceCli(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(repoRoot, "dist", "test", "serviceCli.mjs");
    await build({
      stdin: { contents: ENTRY, resolveDir: repoRoot, sourcefile: "serviceCli.ts", loader: "ts" },
      outfile, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "silent",
    });
    return outfile;
  })();
  return bundled;
}

export async function runServiceCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = spawnSync(process.execPath, [await serviceCli(), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** A new key from `keys create`: its last line. */
export async function createKeyCli(dataDir: string, tenant: string, role: string): Promise<string> {
  const r = await runServiceCli(["keys", "create", "--data", dataDir, "--tenant", tenant, "--role", role]);
  if (r.code !== 0) throw new Error(`keys create failed (${r.code}): ${r.stderr}`);
  return r.stdout.trimEnd().split("\n").at(-1)!;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every line printed so far (stdout and stderr). */
  readonly output: string[];
  exited: Promise<number | null>;
}

/** Spawns `serve --port 0 --data DIR` and resolves once it prints its address. */
export async function spawnServer(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [await serviceCli(), "serve", "--port", "0", "--data", dataDir], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        output.push(line);
        const m = /listening on (http:\/\/[^\s]+) /.exec(line);
        if (m) resolve(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${output.join(" | ")}`)));
  });
  return { child, url, output, exited };
}
