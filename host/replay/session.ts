/**
 * Flight-recorder sessions (`ringfence run --record SESSION`): a directory
 * holding exactly what each strategy consumed and decided in a live run.
 * Layout (documented in docs/recording.md, "Sessions"):
 *
 *   SESSION/session.json          metadata: format, version, run config, strategies
 *                                 (code id, params, limits, worker), worker ranges and kills
 *   SESSION/feed.rfr              the events the feed published (recording format v1)
 *   SESSION/modules/<codeId>.wasm each module as uploaded (its sha256 is the code id)
 *   SESSION/strategies/<i>.audit  strategy i's audit chain (every host call, args, result)
 *   SESSION/strategies/<i>.fuel   fuel per market event it handled (Int32 LE)
 *
 * Written into SESSION.tmp-<pid> and renamed, so a crash never leaves a
 * half session under the real name.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StrategySpec } from "../engine/strategyRunner.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import { readRecordingFile, writeRecordingFile, type Recording } from "../feed/recording.ts";
import type { LiveCapture } from "../live/liveRun.ts";
import { InputError } from "../cli/errors.ts";
import { riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";

export const SESSION_FORMAT = "ringfence-session";
export const SESSION_VERSION = 1;

export interface SessionStrategy {
  readonly index: number;
  readonly label: string;
  readonly codeId: string;
  readonly worker: number;
  readonly params: Record<string, number>;
  readonly risk: RiskLimits;
  readonly sandbox: SandboxLimits;
}

export interface SessionMeta {
  readonly format: typeof SESSION_FORMAT;
  readonly version: typeof SESSION_VERSION;
  readonly config: { readonly wait: string; readonly workers: number; readonly policy: string; readonly ratePerSec: number };
  readonly events: number;
  readonly instruments: readonly InstrumentSpec[];
  readonly strategies: readonly SessionStrategy[];
  readonly workers: LiveCapture["workers"];
}

export interface Session {
  readonly meta: SessionMeta;
  readonly feed: Recording;
  readonly modules: ReadonlyMap<string, Uint8Array>;
  readonly audit: readonly Uint8Array[];
  readonly fuel: readonly Int32Array[];
}

export function writeSession(
  dir: string,
  o: { recording: Recording; strategies: readonly StrategySpec[]; capture: LiveCapture; config: SessionMeta["config"] },
): void {
  if (existsSync(dir)) throw new InputError(`session '${dir}' already exists; choose a new name`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, "modules"), { recursive: true });
  mkdirSync(join(tmp, "strategies"));
  const { recording, capture } = o;
  writeRecordingFile(join(tmp, "feed.rfr"), {
    header: { ...recording.header, source: `session of ${recording.header.source}` },
    events: recording.events.subarray(0, capture.published * 16),
    count: capture.published,
  });
  const byIndex = new Map(capture.strategies.map((s) => [s.index, s]));
  const strategies: SessionStrategy[] = o.strategies.map((s, index) => {
    if (!s.prepared.bytes) throw new Error(`session: module bytes of strategy ${index} are not available`);
    writeFileSync(join(tmp, "modules", `${s.prepared.codeId}.wasm`), s.prepared.bytes);
    const c = byIndex.get(index);
    writeFileSync(join(tmp, "strategies", `${index}.audit`), c?.audit ?? new Uint8Array(0));
    const fuel = c?.fuel ?? new Int32Array(0);
    writeFileSync(join(tmp, "strategies", `${index}.fuel`), new Uint8Array(fuel.buffer, fuel.byteOffset, fuel.byteLength));
    return { index, label: s.label, codeId: s.prepared.codeId, worker: c?.worker ?? -1, params: Object.fromEntries(s.params), risk: s.risk, sandbox: s.sandbox };
  });
  const meta: SessionMeta = {
    format: SESSION_FORMAT, version: SESSION_VERSION, config: o.config, events: capture.published,
    instruments: recording.header.instruments, strategies, workers: capture.workers,
  };
  writeFileSync(join(tmp, "session.json"), JSON.stringify(meta, null, 1) + "\n");
  renameSync(tmp, dir);
}

/** Reads and checks a session; every problem is one line naming the file. */
export function readSession(dir: string): Session {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new InputError(`session '${dir}' does not exist`);
  }
  if (!st.isDirectory()) throw new InputError(`session '${dir}' is not a directory (a session is the folder 'run --record' wrote)`);
  const file = (rel: string): Buffer => {
    try {
      return readFileSync(join(dir, rel));
    } catch {
      throw new InputError(`session '${dir}': ${rel} is missing or unreadable`);
    }
  };
  let meta: SessionMeta;
  try {
    meta = JSON.parse(file("session.json").toString("utf8"));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`session '${dir}': session.json is not valid JSON`);
  }
  if (meta?.format !== SESSION_FORMAT) throw new InputError(`session '${dir}': session.json is not a ringfence session`);
  if (meta.version !== SESSION_VERSION) throw new InputError(`session '${dir}': unsupported session version ${meta.version}, this ringfence reads ${SESSION_VERSION}`);
  if (!Array.isArray(meta.strategies) || !Array.isArray(meta.workers) || !Number.isSafeInteger(meta.events)) {
    throw new InputError(`session '${dir}': session.json is missing strategies, workers or events`);
  }
  const feed = readRecordingFile(join(dir, "feed.rfr"));
  if (feed.count !== meta.events) throw new InputError(`session '${dir}': feed.rfr holds ${feed.count} events, session.json says ${meta.events}`);
  const modules = new Map<string, Uint8Array>();
  const audit: Uint8Array[] = [];
  const fuel: Int32Array[] = [];
  meta.strategies.forEach((s, i) => {
    if (s.index !== i || !/^[0-9a-f]{64}$/.test(s.codeId)) throw new InputError(`session '${dir}': strategy ${i} in session.json is malformed`);
    try {
      riskLimits(s.risk);
      sandboxLimits(s.sandbox);
    } catch (e) {
      throw new InputError(`session '${dir}': strategy ${i} limits: ${(e as Error).message}`);
    }
    if (!modules.has(s.codeId)) {
      const bytes = new Uint8Array(file(join("modules", `${s.codeId}.wasm`)));
      if (createHash("sha256").update(bytes).digest("hex") !== s.codeId) throw new InputError(`session '${dir}': modules/${s.codeId}.wasm does not hash to its code id (tampered or corrupt)`);
      modules.set(s.codeId, bytes);
    }
    audit.push(new Uint8Array(file(join("strategies", `${i}.audit`))));
    const f = file(join("strategies", `${i}.fuel`));
    if (f.length % 4 !== 0) throw new InputError(`session '${dir}': strategies/${i}.fuel has ${f.length} bytes, not a multiple of 4`);
    fuel.push(new Int32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.length)));
  });
  return { meta, feed, modules, audit, fuel };
}
