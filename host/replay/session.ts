/**
 * Flight-recorder sessions (`ringfence run --record SESSION`): a directory
 * holding exactly what each strategy consumed and decided in a live run.
 * Layout (documented in docs/sessions.md):
 *
 *   SESSION/session.json          metadata: format, version, run config, strategies
 *                                 (code id, params, limits, worker), and every worker
 *                                 instance (the original of each worker slot and each
 *                                 replacement a restart started): its strategies, first
 *                                 event, ranges and kills — or, when it died without a
 *                                 report, what the host saw of it
 *   SESSION/feed.rfr              the events the feed published (recording format v1)
 *   SESSION/modules/<codeId>.wasm each module as uploaded (its sha256 is the code id)
 *   SESSION/strategies/<i>.audit  strategy i's audit chain in its original instance
 *   SESSION/strategies/<i>.fuel   fuel per market event it handled (Int32 LE)
 *   SESSION/strategies/<i>.restart<k>.audit|.fuel   the same for its fresh instance
 *                                 after restart k
 *   SESSION/host.audit            the host's chain: orders as they reached the host,
 *                                 kill switches, faults, cancel-on-disconnect, restarts
 *
 * Only instances that stopped cleanly have audit and fuel files. Version 1
 * (one instance per worker, no host chain) is still read.
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
import type { InstanceCapture, LiveCapture } from "../live/liveRun.ts";
import type { RestartPolicy } from "../live/restartPolicy.ts";
import { InputError } from "../cli/errors.ts";
import { riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";

export const SESSION_FORMAT = "ringfence-session";
/** 2: worker instances (restarts) and the host chain. */
export const SESSION_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

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
  readonly version: number;
  readonly config: { readonly wait: string; readonly workers: number; readonly policy: string; readonly ratePerSec: number; readonly restart?: RestartPolicy };
  readonly events: number;
  readonly instruments: readonly InstrumentSpec[];
  readonly strategies: readonly SessionStrategy[];
  /** Every worker instance, slot by slot in start order (version 1's `workers`, read as instance 0 of each). */
  readonly instances: readonly InstanceCapture[];
}

export interface StrategyCapture {
  readonly audit: Uint8Array;
  readonly fuel: Int32Array;
}

export interface Session {
  readonly meta: SessionMeta;
  readonly feed: Recording;
  readonly modules: ReadonlyMap<string, Uint8Array>;
  /** Keyed by captureKey(strategy, instance), for instances that stopped cleanly. */
  readonly captures: ReadonlyMap<string, StrategyCapture>;
  /** The host chain's file bytes (null in version 1 sessions). */
  readonly hostAudit: Uint8Array | null;
}

export function captureKey(strategy: number, instance: number): string {
  return `${strategy}/${instance}`;
}

/** Where strategy `strategy`'s capture in worker instance `instance` lives, relative to the session. */
export function captureFile(strategy: number, instance: number, ext: "audit" | "fuel"): string {
  return join("strategies", instance === 0 ? `${strategy}.${ext}` : `${strategy}.restart${instance}.${ext}`);
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
  for (const c of capture.strategies) {
    writeFileSync(join(tmp, captureFile(c.index, c.instance, "audit")), c.audit);
    writeFileSync(join(tmp, captureFile(c.index, c.instance, "fuel")), new Uint8Array(c.fuel.buffer, c.fuel.byteOffset, c.fuel.byteLength));
  }
  writeFileSync(join(tmp, "host.audit"), capture.hostAudit);
  const strategies: SessionStrategy[] = o.strategies.map((s, index) => {
    if (!s.prepared.bytes) throw new Error(`session: module bytes of strategy ${index} are not available`);
    writeFileSync(join(tmp, "modules", `${s.prepared.codeId}.wasm`), s.prepared.bytes);
    const worker = capture.instances.find((i) => i.strategies.includes(index))?.worker ?? -1;
    return { index, label: s.label, codeId: s.prepared.codeId, worker, params: Object.fromEntries(s.params), risk: s.risk, sandbox: s.sandbox };
  });
  const meta: SessionMeta = {
    format: SESSION_FORMAT, version: SESSION_VERSION, config: o.config, events: capture.published,
    instruments: recording.header.instruments, strategies, instances: capture.instances,
  };
  writeFileSync(join(tmp, "session.json"), JSON.stringify(meta, null, 1) + "\n");
  renameSync(tmp, dir);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);

/** Why instance record `x` is malformed, or null. */
function instanceProblem(x: InstanceCapture, strategies: number): string | null {
  if (!x || !isInt(x.worker) || !isInt(x.instance) || x.instance < 0 || !isInt(x.startAt)) return "worker, instance or startAt is not an integer";
  if (!isIntArray(x.strategies) || x.strategies.some((s) => s < 0 || s >= strategies)) return "its strategies are not strategy indices";
  if (x.ranges !== undefined) {
    if (!isIntArray(x.ranges) || x.ranges.length % 2 !== 0 || !isIntArray(x.kills) || x.kills.length % 3 !== 0 || !isInt(x.stopAt)) return "ranges, kills or stopAt are malformed";
  } else {
    const d = x.death;
    if (!d || typeof d.cause !== "string" || !isInt(d.lastCursor) || !isInt(d.batch) || d.batch < 1 || !isIntArray(d.gaps) || d.gaps.length % 2 !== 0 ||
      !isIntArray(d.initialKills) || d.initialKills.length !== x.strategies.length || !isIntArray(d.killChanged)) return "it has neither a capture (ranges) nor a well-formed death record";
  }
  return null;
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
  if (!READABLE_VERSIONS.includes(meta.version)) throw new InputError(`session '${dir}': unsupported session version ${meta.version}, this ringfence reads ${READABLE_VERSIONS.join(" and ")}`);
  const v1 = meta.version === 1;
  const v1Workers = (meta as unknown as { workers?: { worker: number; ranges: number[]; kills: number[]; stopAt: number }[] }).workers;
  if (!Array.isArray(meta.strategies) || !Array.isArray(v1 ? v1Workers : meta.instances) || !Number.isSafeInteger(meta.events)) {
    throw new InputError(`session '${dir}': session.json is missing strategies, ${v1 ? "workers" : "instances"} or events`);
  }
  const feed = readRecordingFile(join(dir, "feed.rfr"));
  if (feed.count !== meta.events) throw new InputError(`session '${dir}': feed.rfr holds ${feed.count} events, session.json says ${meta.events}`);
  const modules = new Map<string, Uint8Array>();
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
  });
  const readCapture = (strategy: number, instance: number): StrategyCapture => {
    const audit = new Uint8Array(file(captureFile(strategy, instance, "audit")));
    const rel = captureFile(strategy, instance, "fuel");
    const f = file(rel);
    if (f.length % 4 !== 0) throw new InputError(`session '${dir}': ${rel} has ${f.length} bytes, not a multiple of 4`);
    return { audit, fuel: new Int32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.length)) };
  };
  const captures = new Map<string, StrategyCapture>();
  let instances: InstanceCapture[];
  if (v1) {
    // Version 1: one instance per worker that reported; a strategy whose
    // worker died has an empty audit file and no instance.
    instances = v1Workers!.map((w) => ({
      worker: w.worker, instance: 0, startAt: 0, ranges: w.ranges, kills: w.kills, stopAt: w.stopAt,
      strategies: meta.strategies.filter((s) => s.worker === w.worker).map((s) => s.index),
    }));
    for (const x of instances) {
      for (const s of x.strategies) {
        const c = readCapture(s, 0);
        if (c.audit.length > 0) captures.set(captureKey(s, 0), c);
      }
    }
  } else {
    instances = [...meta.instances];
    const seen = new Set<string>();
    instances.forEach((x, k) => {
      const problem = instanceProblem(x, meta.strategies.length) ?? (seen.has(`${x.worker}/${x.instance}`) ? `worker ${x.worker} instance ${x.instance} appears twice` : null);
      if (problem) throw new InputError(`session '${dir}': instance ${k} in session.json is malformed: ${problem}`);
      seen.add(`${x.worker}/${x.instance}`);
      if (x.ranges !== undefined) for (const s of x.strategies) captures.set(captureKey(s, x.instance), readCapture(s, x.instance));
    });
  }
  const hostAudit = v1 ? null : new Uint8Array(file("host.audit"));
  return { meta: { ...meta, instances }, feed, modules, captures, hostAudit };
}
