/**
 * Starts the upload service in this process on a free loopback port over a
 * fresh data directory, with the built worker scripts (dist/, built by
 * test/globalSetup.ts), and gives tests a small JSON client.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKey } from "../../../host/service/auth/keyIssuer.ts";
import type { Role } from "../../../host/service/store/records.ts";
import { startService, type RunningService, type WorkerScripts } from "../../../host/service/server.ts";
import type { ServiceConfig } from "../../../host/service/serviceConfig.ts";
import { distPath } from "../../support/dist.ts";

export function builtWorkers(): WorkerScripts {
  return {
    compile: distPath("serviceCompile.worker.mjs"),
    admit: distPath("serviceAdmit.worker.mjs"),
    backtest: distPath("serviceBacktest.worker.mjs"),
    strategy: distPath("strategyWorker.worker.mjs"),
  };
}

export interface Harness {
  readonly service: RunningService;
  readonly url: string;
  readonly dataDir: string;
  key(tenant: string, role: Role): Promise<string>;
  /** Stops the service and removes the data directory. */
  dispose(): Promise<void>;
}

export async function startHarness(config: Partial<ServiceConfig> = {}, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "rf-service-"));
  const service = await startService({ dataDir: dir, port: 0, workers: builtWorkers(), config });
  return {
    service,
    url: service.url,
    dataDir: dir,
    key: async (tenant, role) => (await createKey(service.ctx.store, tenant, role, "test", Date.now())).key,
    dispose: async () => {
      await service.close();
      if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** One request; JSON bodies are sent as JSON, Uint8Array as application/wasm. */
export async function api(url: string, method: string, path: string, key: string | null, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    headers["content-type"] = "application/wasm";
    payload = body as Uint8Array<ArrayBuffer>;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const r = await fetch(url + path, { method, headers, body: payload });
  const text = await r.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** Polls until `done` holds for the response (bounded by attempts, not by a timing assertion). */
export async function pollUntil(get: () => Promise<ApiResponse>, done: (r: ApiResponse) => boolean, attempts = 600, everyMs = 100): Promise<ApiResponse> {
  let r = await get();
  for (let i = 0; i < attempts && !done(r); i++) {
    await new Promise((res) => setTimeout(res, everyMs));
    r = await get();
  }
  return r;
}
