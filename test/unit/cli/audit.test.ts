import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { hasStackTrace, runCli } from "../../support/cli.ts";

let dir: string;
let good: string;
let logs: AuditLog[];

function sampleLogs(): AuditLog[] {
  const run = new AuditLog("run");
  const s0 = new AuditLog("strategy:abc");
  const s1 = new AuditLog("strategy:def");
  for (let k = 0; k < 5; k++) {
    const e = { eventIndex: k, timeNs: 1_000 * k, call: "submit_order", args: [0, 1, 1, 1, 100 + k, 1, 0], result: k + 1 };
    s0.append(e);
    run.append(e, 0);
  }
  run.append({ eventIndex: 5, timeNs: 5_000, call: "log", args: [1, 2], result: 0, detail: "hi" }, 1);
  s1.append({ eventIndex: 5, timeNs: 5_000, call: "log", args: [1, 2], result: 0, detail: "hi" });
  return [run, s0, s1];
}

/** Where entry `index` of chain `chain` starts in the file (after its 4-byte length; format 2, a block hash after every blockEntries entries and the last). */
function entryOffset(bytes: Uint8Array, chain: number, index: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 16;
  for (let c = 0; ; c++) {
    p += 4 + v.getUint32(p, true);
    const n = v.getUint32(p, true);
    const block = v.getUint32(p + 4, true);
    p += 8;
    for (let k = 0; k < n; k++) {
      if (c === chain && k === index) return p + 4;
      p += 4 + v.getUint32(p, true);
      if ((k + 1) % block === 0 || k === n - 1) p += 32;
    }
    p += 32;
  }
}

function write(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-audit-cli-"));
  logs = sampleLogs();
  good = write("good.rfaudit", encodeAuditFile(logs));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("ringfence audit verify", () => {
  it("exit 0 and one summary line per chain when every chain holds", () => {
    const r = runCli(["audit", "verify", good]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual(logs.map((l, c) => `ok  chain #${c} '${l.label}'  ${l.count} entries  head ${l.headHex}`));
  });

  it("--json prints the whole result", () => {
    const r = runCli(["audit", "verify", "--json", good]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.chains.map((c: { headHex: string }) => c.headHex)).toEqual(logs.map((l) => l.headHex));
  });

  it("exit 1 naming the first broken block of entries when a byte changed", () => {
    const bytes = encodeAuditFile(logs);
    bytes[entryOffset(bytes, 1, 3) + 20] ^= 0x01; // inside strategy:abc entry 3 (its event index): still decodes
    const p = write("flipped.rfaudit", bytes);
    const r = runCli(["audit", "verify", p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`ringfence: audit file '${p}': chain #1 'strategy:abc' entries 0..4: hash mismatch (an entry of 0..4, the block's stored hash, or the label changed)\n`);
  });

  it("exit 1 naming the entry where one was removed", () => {
    const bytes = encodeAuditFile(logs);
    const v = new DataView(bytes.buffer);
    const at = entryOffset(bytes, 0, 2) - 4;
    const len = 4 + v.getUint32(at, true);
    const cut = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]);
    const p = write("removed.rfaudit", cut);
    const r = runCli(["audit", "verify", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ringfence: audit file '.*removed\.rfaudit': chain #0 'run' entry 2: sequence number 3 where 2 belongs \(entry removed, reordered, inserted or changed\)\n$/);
  });

  it("exit 1 on a truncated file, naming where it ends", () => {
    const bytes = encodeAuditFile(logs);
    const p = write("truncated.rfaudit", bytes.subarray(0, entryOffset(bytes, 2, 0) + 3));
    const r = runCli(["audit", "verify", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ringfence: audit file '${p}': chain #2 'strategy:def' entry 0: truncated: file ends inside this entry\n`);
  });

  it("--head: exit 0 when the named chains end at the expected heads, exit 1 naming the first that does not", () => {
    const ok = runCli(["audit", "verify", good, "--head", `run=${logs[0].headHex}`, "--head", `#2=${logs[2].headHex.toUpperCase()}`]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n").map((l) => l.endsWith("(expected head)"))).toEqual([true, false, true]);

    const forged = "0".repeat(64);
    const bad = runCli(["audit", "verify", good, "--head", `strategy:abc=${forged}`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(`ringfence: audit file '${good}': chain #1 'strategy:abc' head ${logs[1].headHex} is not ${forged} (--head strategy:abc): the file is not the one that head was kept for\n`);

    for (const [head, want] of [
      [`nope=${forged}`, /--head nope: no chain is labelled 'nope'\n$/],
      [`#7=${forged}`, /--head #7: the file has no chain #7 \(3 chains\)\n$/],
    ] as const) {
      const r = runCli(["audit", "verify", good, "--head", head]);
      expect(r.code, head).toBe(1);
      expect(r.stderr).toMatch(want);
    }
  });

  it("--report: the heads of a backtest --json report, chain by chain; a report for another file is named", () => {
    const report = { auditHash: logs[0].headHex, strategies: [{ codeId: "abc", auditHash: logs[1].headHex }, { codeId: "def", auditHash: logs[2].headHex }] };
    const ok = runCli(["audit", "verify", good, "--report", write("report.json", JSON.stringify(report))]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n").every((l) => l.endsWith("(expected head)"))).toBe(true);

    const otherHead = { ...report, strategies: [report.strategies[0], { codeId: "def", auditHash: logs[1].headHex }] };
    const p1 = write("other-head.json", JSON.stringify(otherHead));
    const r1 = runCli(["audit", "verify", good, "--report", p1]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/chain #2 'strategy:def' head [0-9a-f]{64} is not [0-9a-f]{64} \(report '.*other-head\.json' strategies\[1\]\)/);

    const otherCode = { ...report, strategies: [{ codeId: "xyz", auditHash: logs[1].headHex }, report.strategies[1]] };
    const r2 = runCli(["audit", "verify", good, "--report", write("other-code.json", JSON.stringify(otherCode))]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/chain #1 is labelled 'strategy:abc', but report '.*' strategies\[0\] is 'strategy:xyz': the report is not for this file\n$/);

    for (const [name, text] of [["not-json.json", "{"], ["no-heads.json", '{"events": 3}']] as const) {
      const r = runCli(["audit", "verify", good, "--report", write(name, text)]);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toMatch(/^ringfence: report file '.*' (is not JSON|is not a backtest report)/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it("--report whose JSON is not a backtest report (null, a number, an array, a string, missing or bad fields): one line, exit 1", () => {
    const run = logs[0].headHex;
    const s0 = { codeId: "abc", auditHash: logs[1].headHex };
    const cases: [string, string][] = [
      ["null", "it is null"],
      ["42", "it is a number"],
      ["[]", "it is an array"],
      ['"x"', "it is a string"],
      ["true", "it is a boolean"],
      ["{}", "it has no auditHash"],
      [JSON.stringify({ auditHash: "zz", strategies: [] }), "its auditHash is not 64 lowercase hex digits"],
      [JSON.stringify({ auditHash: run }), "it has no strategies array"],
      [JSON.stringify({ auditHash: run, strategies: {} }), "it has no strategies array"],
      [JSON.stringify({ auditHash: run, strategies: [s0, null] }), "strategies[1] is not an object"],
      [JSON.stringify({ auditHash: run, strategies: [s0, { auditHash: logs[2].headHex }] }), "strategies[1] has no codeId"],
      [JSON.stringify({ auditHash: run, strategies: [{ codeId: "abc" }] }), "strategies[0] has no auditHash"],
      [JSON.stringify({ auditHash: run, strategies: [{ codeId: "abc", auditHash: 7 }] }), "strategies[0].auditHash is not 64 lowercase hex digits"],
    ];
    for (const [i, [text, why]] of cases.entries()) {
      const p = write(`bad-report-${i}.json`, text);
      const r = runCli(["audit", "verify", good, "--report", p]);
      expect(r.code, text).toBe(1);
      expect(r.stdout, text).toBe("");
      expect(r.stderr, text).toBe(`ringfence: report file '${p}' is not a backtest report (${why}; expected the output of 'ringfence backtest --json')\n`);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it("--report whose strategies do not match the file's strategy chains one to one is refused, even when every head it names holds", () => {
    // strategy:abc's chain rewritten and rehashed (another result in entry 2): it verifies on its own, with another head.
    const [run, , s1] = sampleLogs();
    const forged = new AuditLog("strategy:abc");
    for (let k = 0; k < 5; k++) forged.append({ eventIndex: k, timeNs: 1_000 * k, call: "submit_order", args: [0, 1, 1, 1, 100 + k, 1, 0], result: k === 2 ? 99 : k + 1 });
    expect(forged.headHex).not.toBe(logs[1].headHex);
    const tampered = write("tampered.rfaudit", encodeAuditFile([run, forged, s1]));
    expect(runCli(["audit", "verify", tampered]).code).toBe(0);

    const abc = { codeId: "abc", auditHash: logs[1].headHex };
    const def = { codeId: "def", auditHash: logs[2].headHex };
    const cases: [string, object[], string][] = [
      ["none", [], "report '{P}' has 0 strategies, but the file has 2 strategy chains (#1..#2): the report is not for this file"],
      ["fewer", [def], "report '{P}' has 1 strategy, but the file has 2 strategy chains (#1..#2): the report is not for this file"],
      ["more", [abc, def, def], "report '{P}' has 3 strategies, but the file has 2 strategy chains (#1..#2): the report is not for this file"],
    ];
    for (const [name, strategies, want] of cases) {
      const p = write(`mismatch-${name}.json`, JSON.stringify({ auditHash: logs[0].headHex, strategies }));
      const r = runCli(["audit", "verify", tampered, "--report", p]);
      expect(r.code, name).toBe(1);
      expect(r.stdout, name).toBe("");
      expect(r.stderr, name).toMatch(new RegExp(`^ringfence: audit file '${tampered}': ${want.replace("{P}", p).replace(/[.()[\]]/g, "\\$&")}( \\(and \\d+ more\\))?\n$`));
      const j = runCli(["audit", "verify", tampered, "--report", p, "--json"]);
      expect(j.code, name).toBe(1);
      expect(JSON.parse(j.stdout).ok).toBe(false);
    }
    // A file with only the run chain and a report with one strategy: refused, not a crash.
    const runOnly = write("run-only.rfaudit", encodeAuditFile([logs[0]]));
    const r = runCli(["audit", "verify", runOnly, "--report", write("one.json", JSON.stringify({ auditHash: logs[0].headHex, strategies: [abc] }))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has 1 strategy, but the file has 0 strategy chains: the report is not for this file/);

    // The whole report against the tampered file: the forged chain is named by its head.
    const full = runCli(["audit", "verify", tampered, "--report", write("full.json", JSON.stringify({ auditHash: logs[0].headHex, strategies: [abc, def] }))]);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/chain #1 'strategy:abc' head [0-9a-f]{64} is not [0-9a-f]{64} \(report '.*' strategies\[0\]\)/);
  });

  /** No byte a terminal acts on: C0 controls (but the final newline), DEL, C1 controls, bidi and other format characters, line/paragraph separators. */
  const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\p{Cf}\u2028\u2029]/u;

  it("labels are printed escaped: an evil label forges no line and writes no control bytes (text and --json)", () => {
    const evil = "strategy:abc\nok  chain #1 'strategy:real'  5 entries  head \x1b[32m" + "0".repeat(64) + "\x1b[0m\r\u202e\u009b2J\\x41'";
    const chains = sampleLogs().map((l) => l.label);
    const evilLogs = [new AuditLog(chains[0]), new AuditLog(evil)];
    evilLogs[1].append({ eventIndex: 0, timeNs: 0, call: "log", args: [], result: 0 });
    evilLogs[0].append({ eventIndex: 0, timeNs: 0, call: "strategy_chain", args: [0, 1], result: 0 }, 0);
    const p = write("evil.rfaudit", encodeAuditFile(evilLogs));
    const escaped = "strategy:abc\\nok  chain #1 \\'strategy:real\\'  5 entries  head \\x1b[32m" + "0".repeat(64) + "\\x1b[0m\\r\\u202e\\x9b2J\\\\x41\\'";

    const ok = runCli(["audit", "verify", p, "--head", `#1=${evilLogs[1].headHex}`]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toMatch(RAW_CONTROL);
    expect(ok.stdout.trimEnd().split("\n")).toEqual([
      `ok  chain #0 'run'  1 entries  head ${evilLogs[0].headHex}`,
      `ok  chain #1 '${escaped}'  1 entries  head ${evilLogs[1].headHex}  (expected head)`,
    ]);

    const j = runCli(["audit", "verify", p, "--json"]);
    expect(j.code).toBe(0);
    expect(j.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(j.stdout).chains[1].label).toBe(evil);

    // Errors: a head mismatch, a broken block, a report naming another code id.
    const forged = "0".repeat(64);
    const mismatch = runCli(["audit", "verify", p, "--head", `#1=${forged}`]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe(`ringfence: audit file '${p}': chain #1 '${escaped}' head ${evilLogs[1].headHex} is not ${forged} (--head #1): the file is not the one that head was kept for\n`);

    const bytes = encodeAuditFile(evilLogs);
    bytes[entryOffset(bytes, 1, 0) + 20] ^= 0x01;
    const broken = runCli(["audit", "verify", write("evil-broken.rfaudit", bytes)]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^ringfence: audit file '.*evil-broken\.rfaudit': chain #1 'strategy:abc\\nok .*' entries 0\.\.0: hash mismatch/);
    expect(broken.stderr.slice(0, -1)).not.toMatch(RAW_CONTROL);
    expect(broken.stderr.endsWith("\n")).toBe(true);

    const report = { auditHash: evilLogs[0].headHex, strategies: [{ codeId: "x\x1b[2J\ny", auditHash: evilLogs[1].headHex }] };
    const other = runCli(["audit", "verify", p, "--report", write("evil-report.json", JSON.stringify(report))]);
    expect(other.code).toBe(1);
    expect(other.stderr.slice(0, -1)).not.toMatch(RAW_CONTROL);
    expect(other.stderr).toContain(`chain #1 is labelled '${escaped}', but report '`);
    expect(other.stderr).toContain(`is 'strategy:x\\x1b[2J\\ny': the report is not for this file\n`);
  });

  it("a corrupted label length: the error line escapes the NUL and CR bytes the label swallowed", () => {
    const run = new AuditLog("run");
    for (let k = 0; k < 13; k++) run.append({ eventIndex: k, timeNs: 0, call: "log", args: [], result: 0 }, 0); // 13 entries: a CR in the entry count
    const bytes = encodeAuditFile([run]);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(16, 3 + 8, true); // the label runs over the entry count and block size
    const r = runCli(["audit", "verify", write("label-length.rfaudit", bytes)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n").length).toBe(1);
    expect(r.stderr.slice(0, -1)).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain("chain #0 'run\\r\\x00\\x00\\x00@\\x00\\x00\\x00'");
  });

  it("missing, directory, empty and garbage files: one clear line, exit 1, no stack", () => {
    const cases: [string, RegExp][] = [
      [join(dir, "nope.rfaudit"), /^ringfence: audit file '.*nope\.rfaudit' does not exist\n$/],
      [dir, /^ringfence: audit file '.*' is a directory, expected a file\n$/],
      [write("empty.rfaudit", ""), /^ringfence: audit file '.*empty\.rfaudit' is empty\n$/],
      [write("garbage.rfaudit", "this is not an audit log\n"), /^ringfence: audit file '.*garbage\.rfaudit': not a ringfence audit file \(bad magic\)\n$/],
      [write("short.rfaudit", "RFAUD"), /^ringfence: audit file '.*short\.rfaudit': truncated: 5 bytes, shorter than the 16-byte file header\n$/],
    ];
    for (const [path, want] of cases) {
      const r = runCli(["audit", "verify", path]);
      expect(r.code, path).toBe(1);
      expect(r.stderr).toMatch(want);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
    }
  });

  it("usage errors exit 2 with one line", () => {
    const cases: [string[], RegExp][] = [
      [["audit"], /^ringfence: audit: usage: ringfence audit verify FILE \[--head CHAIN=HEX \.\.\.\] \[--report REPORT\.json\] \[--json\]\n$/],
      [["audit", "check", good], /^ringfence: audit: unknown subcommand 'check' \(usage: ringfence audit verify FILE .*\)\n$/],
      [["audit", "verify", good, "--head", "run=xyz"], /^ringfence: audit verify: --head must be CHAIN=HEX/],
      [["audit", "verify", good, "--head", `=${"a".repeat(64)}`], /^ringfence: audit verify: --head must be CHAIN=HEX/],
      [["audit", "verify"], /^ringfence: audit verify: expected exactly one audit FILE, got 0/],
      [["audit", "verify", good, good], /^ringfence: audit verify: expected exactly one audit FILE, got 2/],
      [["audit", "verify", "--frobnicate", good], /^ringfence: audit verify: .*frobnicate/],
    ];
    for (const [args, want] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr.trimEnd().split("\n").length).toBe(1);
    }
  });

  it("a file over 2 GiB is read through, not refused for its size: a sparse one is broken at its first entry", () => {
    // The real file header and the run chain's header, then zeros to 2.2 GB (sparse: next to nothing on disk).
    const real = encodeAuditFile(logs);
    const labelBytes = new DataView(real.buffer, real.byteOffset).getUint32(16, true);
    const path = write("huge.rfaudit", real.subarray(0, 16 + 4 + labelBytes + 8));
    truncateSync(path, 2_200_000_000);
    const r = runCli(["audit", "verify", path], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toMatch(/^ringfence: audit file '.*huge\.rfaudit': chain #0 'run' entry 0: entry length 0 is outside \d+\.\.\d+\n$/);
    rmSync(path);
  });
});
