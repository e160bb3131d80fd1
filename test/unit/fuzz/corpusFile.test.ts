// Corpus files: headers, the three body kinds, and one-line errors for bad files.
import { describe, expect, it } from "vitest";
import { hexToBytes, mutateBytes, parseCorpusFile, watToBytes } from "../../../host/fuzz/corpusFile.ts";
import { verifyModule } from "../../../host/admission/verify.ts";

const noBases = () => undefined;
const MINIMAL = `(module (memory (export "memory") 1))`;

describe("hex bodies", () => {
  it("reads pairs, runs and comments, and repeats bytes and groups", () => {
    expect([...hexToBytes("00 61 ;; magic\n736d")]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect([...hexToBytes("ab*3 01")]).toEqual([0xab, 0xab, 0xab, 0x01]);
    expect([...hexToBytes("( 01 02 )*2 ( ff ( 0a )*2 )*2")]).toEqual([1, 2, 1, 2, 0xff, 0x0a, 0x0a, 0xff, 0x0a, 0x0a]);
    expect(hexToBytes("00*1048577").length).toBe(1048577);
  });

  it.each([["0", /not hex pairs/], ["zz", /not hex pairs/], ["( 01", /without '\)\*count'/], ["01 )*2", /without '\('/], ["00*99999999", /expands past/]])("refuses %j", (text, msg) => {
    expect(() => hexToBytes(text)).toThrow(msg);
  });
});

describe("mutate bodies", () => {
  const base = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  it("xors (negative offsets from the end) and then truncates, never touching the base", () => {
    expect([...mutateBytes(base, "0:0xff -1:1", undefined)]).toEqual([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 8]);
    expect([...mutateBytes(base, undefined, "3")]).toEqual([0, 1, 2]);
    expect([...mutateBytes(base, "1:2", "-8")]).toEqual([0, 3]);
    expect(base[0]).toBe(0);
  });
  it.each([["10:1", undefined, /outside the 10-byte base/], ["1:0", undefined, /mask 0/], ["1", undefined, /not <offset>:<mask>/], [undefined, "11", /outside/], [undefined, "x", /not an integer/]])(
    "refuses xor %j truncate %j",
    (xor, truncate, msg) => {
      expect(() => mutateBytes(base, xor, truncate)).toThrow(msg);
    },
  );
});

describe("parseCorpusFile", () => {
  it("reads every header", () => {
    const text = [
      ";; tries: something hostile",
      ";; expect: fault trap in rf_stop at 400",
      ";; report: orders=0 denials.throttle>1",
      ";; sandbox: fuelPerCallback=1000",
      ";; risk: throttleMaxOrders=5",
      ";; params: fast_len=-3",
      ";; neighbours: 2",
      ";; slot: 1",
      ";; known-bug: the engine does X",
      ";; note: free comments with a colon are fine",
      MINIMAL,
    ].join("\n");
    const c = parseCorpusFile("dir/some-case.wat", text, noBases, 3);
    expect(c).toMatchObject({
      name: "some-case.wat", origin: "corpus", generator: "wat", tries: "something hostile",
      expect: { kind: "fault", fault: "trap", callback: "rf_stop", atEvent: 400 },
      sandbox: { fuelPerCallback: 1000 }, risk: { throttleMaxOrders: 5 }, params: { fast_len: -3 },
      neighbours: 2, slot: 1, knownBug: "the engine does X",
    });
    expect(c.reportChecks).toHaveLength(2);
    expect(verifyModule(c.bytes).reasons.map((r) => r.code)).toContain("missing_export");
  });

  it("defaults neighbours to all examples, slot 0, no known bug", () => {
    const c = parseCorpusFile("a-b.wat", `;; tries: x\n;; expect: healthy\n${MINIMAL}`, noBases, 3);
    expect(c).toMatchObject({ neighbours: 3, slot: 0, knownBug: "", reportChecks: [], sandbox: {}, risk: {}, params: {} });
  });

  it("builds .mutate cases from the named example", () => {
    const base = watToBytes(MINIMAL);
    const c = parseCorpusFile("x.mutate", ";; tries: cut\n;; expect: reject truncated\n;; base: ex\n;; truncate: -1", (n) => (n === "ex" ? base : undefined), 1);
    expect(c.bytes).toEqual(base.slice(0, base.length - 1));
  });

  it.each([
    ["x.txt", ";; tries: t\n;; expect: any", /unknown corpus file type/],
    ["x.wat", ";; expect: any\n" + MINIMAL, /missing ';; tries:'/],
    ["x.wat", ";; tries: t\n" + MINIMAL, /missing ';; expect:'/],
    ["x.wat", ";; tries: t\n;; tries: u\n;; expect: any\n" + MINIMAL, /'tries' given twice/],
    ["x.wat", ";; tries: t\n;; expect: sometimes\n" + MINIMAL, /x.wat: expect: 'sometimes'/],
    ["x.wat", ";; tries: t\n;; expect: any\n;; risk: limit\n" + MINIMAL, /risk: 'limit' is not name=integer/],
    ["x.wat", ";; tries: t\n;; expect: any\n(module (func $f (call $nowhere)))", /WAT does not parse/],
    ["x.mutate", ";; tries: t\n;; expect: any", /missing ';; base:'/],
    ["x.mutate", ";; tries: t\n;; expect: any\n;; base: nope", /base strategy 'nope' is not available/],
  ])("%s refuses a bad file in one line naming it", (name, text, msg) => {
    let err: Error | undefined;
    try {
      parseCorpusFile(name, text, noBases, 1);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(msg);
    expect(err?.message.startsWith(name)).toBe(true);
    expect(err?.message).not.toMatch(/\n/);
  });
});
