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
 *   SESSION/SHA256SUMS            the SHA-256 of every other file (sessionSeal.ts); its
 *                                 own SHA-256 is the session's digest
 *
 * Only instances that stopped cleanly have audit and fuel files. Version 1
 * (one instance per worker, no host chain) is still read.
 *
 * Written into SESSION.tmp-<pid> and renamed, so a crash never leaves a
 * half session under the real name.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { KillSwitchState } from "../abi/codes.ts";
import { auditBreakText } from "../audit/auditFile.ts";
import { AuditFileReader } from "../audit/auditFileReader.ts";
import type { StrategySpec } from "../engine/strategyRunner.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import { checkRecordingFile, copyRecordingPrefix, writeRecordingFile, type Recording } from "../feed/recording.ts";
import { RecordingReader } from "../feed/recordingReader.ts";
import type { InstanceCapture, LiveCapture } from "../live/liveRun.ts";
import type { RestartPolicy } from "../live/restartPolicy.ts";
import { InputError } from "../cli/errors.ts";
import { riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";
import { checkSessionSeal, sealSession } from "./sessionSeal.ts";

export const SESSION_FORMAT = "ringfence-session";
/** 2: worker instances (restarts) and the host chain. 3: the same, always sealed (SHA256SUMS). */
export const SESSION_VERSION = 3;
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

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
  readonly config: {
    readonly wait: string; readonly workers: number; readonly policy: string; readonly ratePerSec: number; readonly restart?: RestartPolicy;
    /** The signal that ended the run early (`events` is then what was published until it). */
    readonly interrupted?: string;
  };
  readonly events: number;
  readonly instruments: readonly InstrumentSpec[];
  readonly strategies: readonly SessionStrategy[];
  /** Every worker instance, slot by slot in start order (version 1's `workers`, read as instance 0 of each). */
  readonly instances: readonly InstanceCapture[];
}

/**
 * Where an instance's capture lies. readSession checks what is cheap (both
 * are regular files, the audit file's header names one chain, the fuel
 * file holds whole Int32s) and reads neither: replay streams both and
 * verifies the chain as it reads it, so a capture's size does not matter.
 */
export interface StrategyCapture {
  readonly auditFile: string;
  /** How an error line about the audit file begins: `session 'S': strategies/0.audit`. */
  readonly auditName: string;
  readonly fuelFile: string;
  readonly fuelName: string;
}

export interface Session {
  readonly meta: SessionMeta;
  /** feed.rfr, checked through once (replay reads it again, a block at a time). */
  readonly feed: string;
  readonly modules: ReadonlyMap<string, Uint8Array>;
  /** Keyed by captureKey(strategy, instance), for instances that stopped cleanly. */
  readonly captures: ReadonlyMap<string, StrategyCapture>;
  /** The host chain's file, a regular file (null in version 1 sessions): replay streams it. */
  readonly hostAudit: string | null;
  /** SHA-256 of its SHA256SUMS (sessionSeal.ts); null for a session written before seals. */
  readonly digest: string | null;
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
  o: { recording: Recording | RecordingReader; strategies: readonly StrategySpec[]; capture: LiveCapture; config: SessionMeta["config"] },
): string {
  const target = resolve(dir);
  const tmp = stagingDir(dir);
  try {
    // Inside the try: a session refused here still takes its staging directory (captures of any size) with it.
    if (existsSync(dir)) throw new InputError(`session '${dir}' already exists; choose a new name`);
    // Made by sessionCaptureDir when workers wrote audit files into it.
    mkdirSync(tmp, { recursive: true });
    writeSessionFiles(tmp, o);
    // What is left there is what a worker that died had half written.
    rmSync(join(tmp, CAPTURES), { recursive: true, force: true });
    const digest = sealSession(tmp);
    renameSync(tmp, target);
    return digest;
  } catch (e) {
    // A failed write leaves nothing behind under either name (if it can
    // still remove it: the error to report is the write's).
    try {
      rmSync(tmp, { recursive: true, force: true });
    } catch {}
    throw e;
  }
}

const CAPTURES = "captures";

/**
 * Where session `dir` is assembled before it is renamed into place: beside
 * it (resolve() drops a trailing slash: 'S/' is session S, and its
 * temporary directory a sibling of S, not a folder inside it).
 */
function stagingDir(dir: string): string {
  return `${resolve(dir)}.tmp-${process.pid}`;
}

/**
 * Makes, empty, the directory a run to be written as session `dir` gives
 * its workers for their strategies' audit files (LiveRunOptions.captureDir):
 * inside the session's staging directory, so writeSession moves each into
 * place with a rename, never a read. discardSessionStaging removes it all
 * when no session is written.
 */
export function sessionCaptureDir(dir: string): string {
  const tmp = stagingDir(dir);
  rmSync(tmp, { recursive: true, force: true });
  const captures = join(tmp, CAPTURES);
  mkdirSync(captures, { recursive: true });
  return captures;
}

/** Removes what sessionCaptureDir made for session `dir` (the run failed, or its session is not written). */
export function discardSessionStaging(dir: string): void {
  rmSync(stagingDir(dir), { recursive: true, force: true });
}

/** Moves a worker's audit file into the session (a copy only if it lies on another file system). */
function moveInto(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(from, to);
    rmSync(from, { force: true });
  }
}

function writeSessionFiles(
  tmp: string,
  o: { recording: Recording | RecordingReader; strategies: readonly StrategySpec[]; capture: LiveCapture; config: SessionMeta["config"] },
): void {
  mkdirSync(join(tmp, "modules"), { recursive: true });
  mkdirSync(join(tmp, "strategies"), { recursive: true });
  const { recording, capture } = o;
  const header = { ...recording.header, source: `session of ${recording.header.source}` };
  // A streamed feed is copied from its file again, a block at a time; it
  // must hold the events the run published (the file may have been changed
  // or replaced while the run read it).
  const written = recording instanceof RecordingReader
    ? copyRecordingPrefix(recording.name, join(tmp, "feed.rfr"), capture.published, header)
    : writeRecordingFile(join(tmp, "feed.rfr"), { header, events: recording.events.subarray(0, capture.published * 16), count: capture.published });
  if (written.eventsSha256 !== capture.publishedSha256) {
    // Not an InputError: the caller says which session could not be written.
    throw new Error(`the feed file changed while the run read it: its first ${capture.published} events are not the ones published`);
  }
  for (const c of capture.strategies) {
    moveInto(c.auditFile, join(tmp, captureFile(c.index, c.instance, "audit")));
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
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);
const KILL_STATES: readonly number[] = Object.values(KillSwitchState);
/** A value from session.json as it appears in an error line (cut short). */
const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/**
 * Why flat `[start, count, …]` is not a list of event spans in event order,
 * none overlapping, from `from` up to the feed's end (`events`), or null.
 */
function spansProblem(what: string, flat: unknown, from: number, events: number): string | null {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) return `${what} is not a flat list of [start, count] pairs`;
  let end = from;
  for (let i = 0; i < flat.length; i += 2) {
    const start: unknown = flat[i];
    const count: unknown = flat[i + 1];
    const pair = `${what} pair ${i / 2} [${shown(start)}, ${shown(count)}]`;
    if (!isInt(start) || !isInt(count)) return `${pair} is not two integers`;
    if (start < 0) return `${pair} starts at ${start}, not an event index`;
    if (count < 1) return `${pair} has count ${count}; a count is at least 1`;
    if (i === 0 && start < from) return `${pair} starts before its first event (startAt ${from})`;
    if (start < end) return `${pair} starts before the previous pair ends (event ${end}): pairs must be in event order and not overlap`;
    if (start + count > events) return `${pair} runs past the feed's end (${events} events)`;
    end = start + count;
  }
  return null;
}

/**
 * Why instance record `x` is malformed, or null: every field is checked
 * against the format and against the session's own feed (`events`) and
 * strategies, so replay never runs past the feed, over events in a
 * different order than a reader takes them, or for a strategy elsewhere.
 */
function instanceProblem(x: InstanceCapture, strategies: readonly SessionStrategy[], events: number): string | null {
  if (!x || typeof x !== "object") return "it is not an object";
  if (!isInt(x.worker) || x.worker < 0) return `worker ${shown(x.worker)} is not a worker index`;
  if (!isInt(x.instance) || x.instance < 0) return `instance ${shown(x.instance)} is not an instance number`;
  const captured = x.ranges !== undefined;
  if (!isInt(x.startAt) || x.startAt < (captured ? 0 : -1) || x.startAt > events) {
    return `startAt ${shown(x.startAt)} is not an event index of the feed (0..${events}${captured ? "" : ", or -1 for an instance that never attached"})`;
  }
  if (!isIntArray(x.strategies)) return "its strategies are not strategy indices";
  for (const s of x.strategies) {
    if (s < 0 || s >= strategies.length) return `its strategies name strategy ${s}; the session has ${strategies.length}`;
    if (strategies[s].worker !== x.worker) return `it is on worker ${x.worker} but hosts strategy ${s}, which session.json puts on worker ${strategies[s].worker}`;
  }
  if (new Set(x.strategies).size !== x.strategies.length) return "its strategies name a strategy twice";
  if (captured) {
    const ranges = spansProblem("ranges", x.ranges, x.startAt, events);
    if (ranges) return ranges;
    const r = x.ranges!;
    const consumed = (e: number) => {
      for (let i = 0; i < r.length; i += 2) if (e >= r[i] && e < r[i] + r[i + 1]) return true;
      return false;
    };
    if (!isIntArray(x.kills) || x.kills.length % 3 !== 0) return "kills is not a flat list of integer [eventIndex, strategy, state] triples";
    for (let k = 0; k < x.kills.length; k += 3) {
      const [at, s, state] = [x.kills[k], x.kills[k + 1], x.kills[k + 2]];
      const triple = `kills triple ${k / 3} [${at}, ${s}, ${state}]`;
      if (!consumed(at)) return `${triple} is at event ${at}, which its ranges do not hold`;
      if (k > 0 && at < x.kills[k - 3]) return `${triple} comes after a kill at event ${x.kills[k - 3]}: kills must be in event order`;
      if (!x.strategies.includes(s)) return `${triple} names strategy ${s}, which this instance does not host`;
      if (!KILL_STATES.includes(state)) return `${triple} has state ${state}, not 0 (active), 1 (reducing) or 2 (halted)`;
    }
    const end = r.length > 0 ? r[r.length - 2] + r[r.length - 1] : x.startAt;
    if (!isInt(x.stopAt) || x.stopAt < end || x.stopAt > events) return `stopAt ${shown(x.stopAt)} is not an event index from the end of its ranges (${end}) to the feed's end (${events})`;
    return null;
  }
  const d = x.death;
  if (!d || typeof d !== "object") return "it has neither a capture (ranges) nor a death record";
  if (typeof d.cause !== "string") return "death.cause is not a string";
  const from = Math.max(0, x.startAt);
  if (!isInt(d.lastCursor) || d.lastCursor < from || d.lastCursor > events) return `death.lastCursor ${shown(d.lastCursor)} is not an event index from its startAt (${from}) to the feed's end (${events})`;
  if (!isInt(d.batch) || d.batch < 1) return `death.batch ${shown(d.batch)} is not a positive integer`;
  const gaps = spansProblem("death.gaps", d.gaps, 0, events);
  if (gaps) return gaps;
  if (!isIntArray(d.initialKills) || d.initialKills.length !== x.strategies.length || !d.initialKills.every((k) => KILL_STATES.includes(k))) {
    return "death.initialKills is not one kill-switch state (0, 1 or 2) per hosted strategy";
  }
  if (!isIntArray(d.killChanged) || d.killChanged.some((s) => s < 0 || s >= strategies.length || strategies[s].worker !== x.worker)) {
    return "death.killChanged is not a list of strategies on its worker";
  }
  return null;
}

/** Why strategy record `s` (at position `i`) is malformed, or null (limits are checked apart). */
function strategyProblem(s: SessionStrategy, i: number): string | null {
  if (!s || typeof s !== "object") return "it is not an object";
  if (s.index !== i) return `its index ${shown(s.index)} is not its position ${i}`;
  if (typeof s.codeId !== "string" || !/^[0-9a-f]{64}$/.test(s.codeId)) return `codeId ${shown(s.codeId)} is not a sha256 in hex`;
  if (typeof s.label !== "string") return `label ${shown(s.label)} is not a string`;
  if (!isInt(s.worker) || s.worker < -1) return `worker ${shown(s.worker)} is not a worker index (or -1)`;
  if (!s.params || typeof s.params !== "object" || Array.isArray(s.params)) return "params is not an object";
  for (const [name, v] of Object.entries(s.params)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || !isInt(v)) return `param ${shown(name)} = ${shown(v)} is not name=integer`;
  }
  return null;
}

/** True when the instruments in session.json are the feed header's. */
function sameInstruments(a: unknown, b: readonly InstrumentSpec[]): boolean {
  return Array.isArray(a) && a.length === b.length && b.every((x, i) => {
    const y = a[i] as InstrumentSpec | null;
    return !!y && y.id === x.id && y.symbol === x.symbol && y.priceDecimals === x.priceDecimals && y.qtyDecimals === x.qtyDecimals;
  });
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
  // Before anything is read: every file is the one the run wrote (sessionSeal.ts).
  const digest = checkSessionSeal(dir);
  // Stat before reading: a FIFO blocks its reader forever and /dev/zero
  // never ends, so only a regular file is read.
  const regularFile = (rel: string): void => {
    let regular = false;
    try {
      regular = statSync(join(dir, rel)).isFile();
    } catch {
      throw new InputError(`session '${dir}': ${rel} is missing or unreadable`);
    }
    if (!regular) throw new InputError(`session '${dir}': ${rel} is not a regular file`);
  };
  /** A small file read whole (session.json, a module); captures are streamed by replay. */
  const file = (rel: string): Buffer => {
    regularFile(rel);
    try {
      return readFileSync(join(dir, rel));
    } catch (e) {
      // Past 2 GiB Node cannot read a file whole; no session.json or module is that large.
      if ((e as NodeJS.ErrnoException).code === "ERR_FS_FILE_TOO_LARGE") {
        throw new InputError(`session '${dir}': ${rel} is ${statSync(join(dir, rel)).size} bytes, larger than any session's ${rel}`);
      }
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
  if (!READABLE_VERSIONS.includes(meta.version)) throw new InputError(`session '${dir}': unsupported session version ${meta.version}, this ringfence reads ${READABLE_VERSIONS.join(", ")}`);
  // A version 3 session was written sealed: one without its seal had it removed.
  if (meta.version >= 3 && digest === null) throw new InputError(`session '${dir}': SHA256SUMS is missing (a version ${meta.version} session is always written sealed)`);
  const v1 = meta.version === 1;
  const v1Workers = (meta as unknown as { workers?: { worker: number; ranges: number[]; kills: number[]; stopAt: number }[] }).workers;
  if (!Array.isArray(meta.strategies) || !Array.isArray(v1 ? v1Workers : meta.instances) || !Number.isSafeInteger(meta.events)) {
    throw new InputError(`session '${dir}': session.json is missing strategies, ${v1 ? "workers" : "instances"} or events`);
  }
  // As every session file: a regular file, or one line naming it.
  regularFile("feed.rfr");
  const feed = join(dir, "feed.rfr");
  const feedHeader = checkRecordingFile(feed);
  if (feedHeader.events !== meta.events) throw new InputError(`session '${dir}': feed.rfr holds ${feedHeader.events} events, session.json says ${meta.events}`);
  if (!sameInstruments(meta.instruments, feedHeader.instruments)) throw new InputError(`session '${dir}': the instruments in session.json are not those of feed.rfr`);
  const modules = new Map<string, Uint8Array>();
  meta.strategies.forEach((s, i) => {
    const problem = strategyProblem(s, i);
    if (problem) throw new InputError(`session '${dir}': strategy ${i} in session.json is malformed: ${problem}`);
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
  /**
   * The capture's files, their headers checked and nothing more read: replay
   * streams them, verifying the chain as it goes (null: an empty audit file,
   * which version 1 writes for a worker that died).
   */
  /**
   * Checks that an audit file of the session opens and holds one chain (a
   * walk keeps a summary per chain: a file of millions of empty chains was
   * memory); false for an empty file when `emptyIsNone`.
   */
  const oneChain = (rel: string, emptyIsNone: boolean): boolean => {
    const name = `session '${dir}': ${rel}`;
    regularFile(rel);
    let reader: AuditFileReader;
    try {
      reader = AuditFileReader.open(join(dir, rel));
    } catch {
      throw new InputError(`${name} is missing or unreadable`);
    }
    try {
      if (emptyIsNone && reader.sizeBytes === 0) return false;
      const header = reader.header;
      if ("part" in header) throw new InputError(`${name}: ${auditBreakText(header)}`);
      if (header.chainCount !== 1) throw new InputError(`${name} holds ${header.chainCount} audit chains, not 1`);
      return true;
    } finally {
      reader.close();
    }
  };
  const readCapture = (strategy: number, instance: number, emptyIsNone = false): StrategyCapture | null => {
    const auditRel = captureFile(strategy, instance, "audit");
    const auditName = `session '${dir}': ${auditRel}`;
    if (!oneChain(auditRel, emptyIsNone)) return null;
    const fuelRel = captureFile(strategy, instance, "fuel");
    regularFile(fuelRel);
    const fuelBytes = statSync(join(dir, fuelRel)).size;
    if (fuelBytes % 4 !== 0) throw new InputError(`session '${dir}': ${fuelRel} has ${fuelBytes} bytes, not a multiple of 4`);
    return { auditFile: join(dir, auditRel), auditName, fuelFile: join(dir, fuelRel), fuelName: `session '${dir}': ${fuelRel}` };
  };
  const captures = new Map<string, StrategyCapture>();
  let instances: InstanceCapture[];
  if (v1) {
    // Version 1: one instance per worker that reported; a strategy whose
    // worker died has an empty audit file and no instance.
    instances = v1Workers!.map((w) => ({
      worker: w?.worker, instance: 0, startAt: 0, ranges: w?.ranges, kills: w?.kills, stopAt: w?.stopAt,
      strategies: meta.strategies.filter((s) => s.worker === w?.worker).map((s) => s.index),
    }));
    const seen = new Set<number>();
    instances.forEach((x, k) => {
      const problem = instanceProblem(x, meta.strategies, meta.events) ?? (seen.has(x.worker) ? `worker ${x.worker} appears twice` : null);
      if (problem) throw new InputError(`session '${dir}': worker ${k} in session.json is malformed: ${problem}`);
      seen.add(x.worker);
      for (const s of x.strategies) {
        const c = readCapture(s, 0, true);
        if (c) captures.set(captureKey(s, 0), c);
      }
    });
  } else {
    instances = [...meta.instances];
    const seen = new Set<string>();
    instances.forEach((x, k) => {
      const problem = instanceProblem(x, meta.strategies, meta.events) ?? (seen.has(`${x.worker}/${x.instance}`) ? `worker ${x.worker} instance ${x.instance} appears twice` : null);
      if (problem) throw new InputError(`session '${dir}': instance ${k} in session.json is malformed: ${problem}`);
      seen.add(`${x.worker}/${x.instance}`);
      if (x.ranges !== undefined) for (const s of x.strategies) captures.set(captureKey(s, x.instance), readCapture(s, x.instance)!);
    });
  }
  // The host's chain, like a capture: exactly one.
  if (!v1) oneChain("host.audit", false);
  const hostAudit = v1 ? null : join(dir, "host.audit");
  return { meta: { ...meta, instances }, feed, modules, captures, hostAudit, digest };
}
