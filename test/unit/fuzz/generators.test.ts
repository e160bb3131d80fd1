// The generators: each a pure function of its seed, each producing modules
// that keep the ABI (most pass admission and reach the sandbox).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyModule } from "../../../host/admission/verify.ts";
import { HOST_CALLS } from "../../../host/abi/callTable.ts";
import { CaseFactory, caseSeed, generatorFor } from "../../../host/fuzz/caseFactory.ts";
import { mutateExample } from "../../../host/fuzz/mutator.ts";
import { ScriptGenerator } from "../../../host/fuzz/scriptGenerator.ts";
import { rearmHangLimit, TtfGenerator } from "../../../host/fuzz/ttfGenerator.ts";
import { InProcessWasmOpt } from "../../../host/fuzz/wasmOpt.ts";
import { moduleImports } from "./moduleImports.ts";
import { testSeed } from "../../support/seed.ts";
import { fuzzEnv } from "./fuzzSupport.ts";

let ttf: TtfGenerator;
beforeAll(async () => {
  ttf = await TtfGenerator.create();
}, 60_000);
afterAll(() => ttf?.close());

describe("wasm-opt in-process", () => {
  it("reports a failing run by exit code and output, leaves process.exitCode alone, and retires itself", async () => {
    const opt = await InProcessWasmOpt.load();
    const before = process.exitCode;
    const r = opt.run(["/nonexistent/input.wasm", "-o", "/nonexistent/out.wasm"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.output.length).toBeGreaterThan(0);
    expect(process.exitCode).toBe(before);
    expect(opt.usable).toBe(false);
  });
});

describe("-ttf generator", () => {
  it("is a function of the seed, imports only the call table, and mostly passes admission", async () => {
    const seed = testSeed("ttf generator");
    const a = await ttf.generate(seed);
    const b = await ttf.generate(seed);
    expect(a).not.toBeNull();
    expect(b!.bytes).toEqual(a!.bytes);
    let admitted = 0;
    let rearmed = 0;
    const known = new Set(HOST_CALLS.map((c) => c.name));
    for (let i = 0; i < 20; i++) {
      const m = await ttf.generate(caseSeed(seed, i));
      if (m === null) continue;
      if (verifyModule(m.bytes).admitted) admitted++;
      if (/hang limit/.test(m.note)) rearmed++;
      for (const imp of moduleImports(m.bytes)) expect(known.has(imp.name) && imp.module === "ringfence", `${imp.module}.${imp.name}`).toBe(true);
    }
    expect(admitted).toBeGreaterThanOrEqual(15);
    expect(rearmed).toBeGreaterThan(0);
  });

  it("re-arms the hang limit only where -ttf's shape is found", () => {
    const plain = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(rearmHangLimit(plain, 100)).toBeNull();
  });
});

describe("script generator", () => {
  it("is a function of the seed and its modules all pass admission", () => {
    const seed = testSeed("script generator");
    expect(ScriptGenerator.generate(seed).bytes).toEqual(ScriptGenerator.generate(seed).bytes);
    for (let i = 0; i < 30; i++) {
      const m = ScriptGenerator.generate(caseSeed(seed, i));
      const v = verifyModule(m.bytes);
      expect(v.reasons).toEqual([]);
    }
  });
});

describe("mutator", () => {
  it("is a function of the seed, never changes its bases, and names what it did", () => {
    const env = fuzzEnv();
    const names = [...env.examples.keys()];
    const bases = names.map((n) => env.examples.get(n)!);
    const copies = bases.map((b) => new Uint8Array(b));
    const seed = testSeed("mutator");
    for (let i = 0; i < 200; i++) {
      const a = mutateExample(bases, names, caseSeed(seed, i));
      expect(mutateExample(bases, names, caseSeed(seed, i))).toEqual(a);
      expect(a.note).toMatch(/^(market-maker|mean-reversion|momentum): /);
    }
    expect(bases).toEqual(copies);
  });
});

describe("case factory", () => {
  it("makes case n of seed S the same way every time, rotating generators", async () => {
    const f = new CaseFactory(fuzzEnv(), ttf);
    expect([0, 1, 2, 3, 4].map(generatorFor)).toEqual(["ttf", "script", "ttf", "mutate", "ttf"]);
    for (const i of [0, 1, 3]) {
      const a = (await f.make(42, i))!;
      const b = (await f.make(42, i))!;
      expect(b.bytes).toEqual(a.bytes);
      expect(a.name).toBe(`${generatorFor(i)}-42-${i}`);
      expect(a.neighbours).toBe(1);
    }
    const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => caseSeed(7, i)));
    expect(seeds.size).toBe(10_000);
  });
});
