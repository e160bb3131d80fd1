/**
 * `ringfence serve [--port P] [--host H] [--data DIR]`: the multi-tenant
 * upload service (host/service). Loopback by default; binding anything
 * else is an explicit choice (put TLS in front of it). Runs until SIGINT or
 * SIGTERM, then halts every deployment and closes the store cleanly.
 */
import { resolve } from "node:path";
import { errorLine } from "../../text/printable.ts";
import { findBuilt, workerScriptPath } from "../builtPaths.ts";
import { intFlag, parseFlags } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";

export const DEFAULT_DATA_DIR = "ringfence-data";
const HOST_PATTERN = /^[A-Za-z0-9.:-]{1,253}$/;

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags("serve", argv, {
    port: { type: "string" },
    host: { type: "string" },
    data: { type: "string" },
  });
  const port = intFlag("serve", "port", values.port, 8080, 0);
  if (port > 65535) throw new UsageError(`serve: --port must be in 0..65535, got ${port}`);
  const host = values.host ?? "127.0.0.1";
  if (!HOST_PATTERN.test(host)) throw new UsageError(`serve: --host must be an address or host name, got '${host.slice(0, 80)}'`);
  const dataDir = resolve(values.data ?? DEFAULT_DATA_DIR);
  const workers = {
    compile: findBuilt("serviceCompile.worker.mjs", "the compile worker"),
    admit: findBuilt("serviceAdmit.worker.mjs", "the admission worker"),
    backtest: findBuilt("serviceBacktest.worker.mjs", "the backtest worker"),
    strategy: workerScriptPath(),
  };
  const { startService } = await import("../../service/server.ts");
  let service;
  try {
    service = await startService({ dataDir, host, port, workers });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err?.code === "EADDRINUSE") throw new InputError(`serve: cannot listen on ${host}:${port}: the address is in use (choose another --port)`);
    if (err?.code === "EADDRNOTAVAIL" || err?.code === "ENOTFOUND") throw new InputError(`serve: cannot listen on ${host}: no such local address`);
    throw new InputError(`serve: ${errorLine(e)}`);
  }
  const s = service.startup;
  for (const broken of s.brokenChains) process.stderr.write(`ringfence serve: WARNING: audit chain ${broken}\n`);
  process.stdout.write(
    `ringfence serve: store ${dataDir}: ${s.chains - s.brokenChains.length}/${s.chains} audit chains verified, ` +
    `${s.interruptedDeployments} deployments marked interrupted, ${s.resumedJobs} backtests resumed\n`,
  );
  process.stdout.write(`ringfence serve: listening on ${service.url} (dashboard at ${service.url}/)\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.stdout.write("ringfence serve: stopping (halting deployments, closing the store)\n");
      service.close().then(done, done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
