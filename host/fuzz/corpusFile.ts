/**
 * The hostile corpus on disk (test/fuzz/corpus/): one file per behaviour,
 * named for what it tries, headed by `;; key: value` lines.
 *
 *   loop-forever-in-on-market.wat    WAT text, compiled with binaryen (all features on,
 *                                    so refused features are encoded as written)
 *   shared-memory.hex                raw module bytes as hex pairs, for what WAT
 *                                    cannot say; `;;` starts a comment
 *   momentum-truncated-header.mutate an example strategy (dist/strategies/<base>.wasm)
 *                                    with bytes changed: `xor` then `truncate`
 *
 * Header keys (any order, before the body):
 *   tries:      one line, required: what the module attempts
 *   expect:     required, see expectation.ts
 *   report:     extra checks on the hostile report, see expectation.ts
 *   sandbox:    `fuelPerCallback=100000 maxMemoryPages=8` (SandboxLimits overrides)
 *   risk:       `throttleMaxOrders=5` (RiskLimits overrides)
 *   params:     `fast_len=8` (strategy parameters)
 *   neighbours: how many example strategies run beside it (default: all)
 *   slot:       its position among them (default 0, first)
 *   base:       .mutate only: example strategy name
 *   xor:        .mutate only: `<offset>:<mask> ...` (offset < 0 counts from the end)
 *   truncate:   .mutate only: keep the first N bytes (N < 0: drop the last -N)
 *   fixed:      one line naming a bug the case once reproduced (documentation only;
 *               the case now runs as a regression test of its `expect:`)
 *   known-bug:  one line naming an engine bug the case reproduces and that is not
 *               fixed yet: its violations are reported as known (not failures)
 *
 * Allocates freely: corpus loading happens once per campaign.
 */
import binaryen from "binaryen";
import { quietly } from "../metering/binaryenApi.ts";
import { errorLine } from "../text/printable.ts";
import { baseCase, type FuzzCase } from "./fuzzCase.ts";
import { parseExpectation, parseReportChecks } from "./expectation.ts";

export const CORPUS_EXTENSIONS = [".wat", ".hex", ".mutate"] as const;

const KNOWN_KEYS = new Set(["tries", "expect", "report", "sandbox", "risk", "params", "neighbours", "slot", "base", "xor", "truncate", "known-bug", "fixed"]);

/** Bytes of an example strategy by name (e.g. "momentum"), or undefined. */
export type BaseResolver = (name: string) => Uint8Array | undefined;

/**
 * Parses one corpus file into a case. Throws an Error whose message is one
 * line naming the file and what is wrong with it.
 */
export function parseCorpusFile(fileName: string, text: string, bases: BaseResolver, defaultNeighbours: number): FuzzCase {
  const fail = (msg: string): never => {
    throw new Error(`${fileName}: ${msg}`);
  };
  const ext = CORPUS_EXTENSIONS.find((e) => fileName.endsWith(e)) ?? fail(`unknown corpus file type (expected ${CORPUS_EXTENSIONS.join(", ")})`);
  const headers = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*;;\s*([a-z-]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    if (!KNOWN_KEYS.has(m[1])) continue; // free-form comments may contain "word:"
    if (headers.has(m[1])) fail(`header '${m[1]}' given twice`);
    headers.set(m[1], m[2].trim());
  }
  const tries = headers.get("tries") ?? fail("missing ';; tries:' header");
  const expectText = headers.get("expect") ?? fail("missing ';; expect:' header");
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail((e as Error).message);
    }
  };
  const expect = wrap(() => parseExpectation(expectText));
  const reportChecks = wrap(() => parseReportChecks(headers.get("report") ?? ""));
  const sandbox = wrap(() => intPairs("sandbox", headers.get("sandbox")));
  const risk = wrap(() => intPairs("risk", headers.get("risk")));
  const params = wrap(() => intPairs("params", headers.get("params")));
  const neighbours = wrap(() => intValue("neighbours", headers.get("neighbours"), defaultNeighbours));
  const slot = wrap(() => intValue("slot", headers.get("slot"), 0));

  let bytes: Uint8Array;
  if (ext === ".wat") bytes = wrap(() => watToBytes(text));
  else if (ext === ".hex") bytes = wrap(() => hexToBytes(text));
  else {
    const baseName = headers.get("base") ?? fail("missing ';; base:' header (an example strategy name)");
    const base = bases(baseName) ?? fail(`base strategy '${baseName}' is not available (build the examples: npm run build)`);
    bytes = wrap(() => mutateBytes(base, headers.get("xor"), headers.get("truncate")));
  }
  const name = fileName.replace(/^.*\//, "");
  return {
    ...baseCase(name, "corpus", ext.slice(1), bytes, tries),
    expect, reportChecks, sandbox, risk, params, neighbours, slot, knownBug: headers.get("known-bug") ?? "",
  };
}

/** WAT text to bytes with every binaryen feature on, so refused features are encoded as written. */
export function watToBytes(text: string): Uint8Array {
  return quietly(() => {
    let module: binaryen.Module;
    try {
      module = binaryen.parseText(text);
    } catch (e) {
      throw new Error(`WAT does not parse: ${errorLine(e)}`);
    }
    try {
      module.setFeatures(binaryen.Features.All);
      return module.emitBinary();
    } finally {
      module.dispose();
    }
  });
}

/** Most bytes a hex body may expand to (its repeats included). */
const MAX_HEX_BYTES = 64 * 1024 * 1024;

/**
 * Hex pairs, whitespace between them optional; `;;` starts a comment to
 * the end of the line. Repeats keep huge modules small on disk:
 * `00*1048577` is that byte that many times, `( 01 02 )*3` a group.
 */
export function hexToBytes(text: string): Uint8Array {
  const tokens = text
    .split("\n")
    .map((l) => l.replace(/;;.*$/, ""))
    .join(" ")
    .replace(/\(/g, " ( ")
    .replace(/\)\s*\*\s*(\d+)/g, " )*$1 ")
    .split(/\s+/)
    .filter((t) => t !== "");
  const stack: number[][] = [[]];
  let total = 0;
  const push = (bytes: number[], times: number) => {
    total += bytes.length * times;
    if (total > MAX_HEX_BYTES) throw new Error(`hex body expands past ${MAX_HEX_BYTES} bytes`);
    const top = stack[stack.length - 1];
    for (let k = 0; k < times; k++) for (const b of bytes) top.push(b);
  };
  for (const t of tokens) {
    if (t === "(") {
      stack.push([]);
      continue;
    }
    const close = /^\)\*(\d+)$/.exec(t);
    if (close) {
      if (stack.length === 1) throw new Error("hex body: ')' without '('");
      const group = stack.pop()!;
      total -= group.length; // counted once when its bytes were pushed
      push(group, Number(close[1]));
      continue;
    }
    const m = /^((?:[0-9a-fA-F]{2})+)(?:\*(\d+))?$/.exec(t);
    if (!m) throw new Error(`hex body: '${t}' is not hex pairs, hh*count or ( ... )*count`);
    const bytes: number[] = [];
    for (let i = 0; i < m[1].length; i += 2) bytes.push(parseInt(m[1].slice(i, i + 2), 16));
    push(bytes, m[2] === undefined ? 1 : Number(m[2]));
  }
  if (stack.length !== 1) throw new Error("hex body: '(' without ')*count'");
  return new Uint8Array(stack[0]);
}

/** Applies `xor` (`offset:mask ...`, negative offsets from the end) and then `truncate` to a copy of base. */
export function mutateBytes(base: Uint8Array, xor: string | undefined, truncate: string | undefined): Uint8Array {
  let out = new Uint8Array(base);
  for (const item of (xor ?? "").split(/\s+/)) {
    if (item === "") continue;
    const m = /^(-?\d+):(0x[0-9a-fA-F]{1,2}|\d{1,3})$/.exec(item);
    if (!m) throw new Error(`xor: '${item}' is not <offset>:<mask>`);
    const offset = Number(m[1]);
    const at = offset < 0 ? out.length + offset : offset;
    if (at < 0 || at >= out.length) throw new Error(`xor: offset ${offset} is outside the ${out.length}-byte base`);
    const mask = Number(m[2]);
    if (mask < 1 || mask > 255) throw new Error(`xor: mask ${m[2]} must be 1..255`);
    out[at] ^= mask;
  }
  if (truncate !== undefined) {
    if (!/^-?\d+$/.test(truncate)) throw new Error(`truncate: '${truncate}' is not an integer`);
    const n = Number(truncate);
    const keep = n < 0 ? out.length + n : n;
    if (keep < 0 || keep > out.length) throw new Error(`truncate: ${n} is outside the ${out.length}-byte base`);
    out = out.slice(0, keep);
  }
  return out;
}

function intPairs(key: string, text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of (text ?? "").split(/\s+/)) {
    if (item === "") continue;
    const m = /^([A-Za-z_][\w.-]*)=(-?\d+)$/.exec(item);
    if (!m) throw new Error(`${key}: '${item}' is not name=integer`);
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v)) throw new Error(`${key}: ${m[1]} is outside ±2^53`);
    out[m[1]] = v;
  }
  return out;
}

function intValue(key: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`${key}: '${text}' is not a non-negative integer`);
  return Number(text);
}
