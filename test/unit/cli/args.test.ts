// Flag parsing shared by every command: what node:util would let through
// silently (a repeated flag, an empty value, a stray argument) is a usage error.
import { describe, expect, it } from "vitest";
import { parseCommandArgs, parseFlags } from "../../../host/cli/args.ts";
import { UsageError } from "../../../host/cli/errors.ts";
import { parseParams, parseRisk } from "../../../host/cli/strategyArgs.ts";

const OPTIONS = { seed: { type: "string" }, out: { type: "string", short: "o" }, param: { type: "string", multiple: true }, json: { type: "boolean" } } as const;

function usage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseCommandArgs", () => {
  it("refuses a string flag given twice, in any spelling", () => {
    expect(usage(() => parseCommandArgs("x", ["--seed", "1", "--seed", "2"], OPTIONS))).toBe("x: --seed is given twice; give it once");
    expect(usage(() => parseCommandArgs("x", ["-o", "a", "--out=b"], OPTIONS))).toBe("x: --out is given twice; give it once");
  });

  it("refuses an empty value", () => {
    expect(usage(() => parseCommandArgs("x", ["--seed", ""], OPTIONS))).toBe("x: --seed needs a value, got ''");
    expect(usage(() => parseCommandArgs("x", ["--param="], OPTIONS))).toBe("x: --param needs a value, got ''");
  });

  it("keeps what is allowed: repeatable flags, a repeated boolean, positionals", () => {
    const { values, positionals } = parseCommandArgs("x", ["--param", "a=1", "--param", "b=2", "--json", "--json", "-o", "f", "pos"], OPTIONS);
    expect(values).toEqual({ param: ["a=1", "b=2"], json: true, out: "f" });
    expect(positionals).toEqual(["pos"]);
  });

  it("parseFlags refuses a stray argument", () => {
    expect(usage(() => parseFlags("bench fuel", ["--json", "extra"], OPTIONS))).toBe("bench fuel: unexpected argument 'extra' (see 'ringfence help')");
    expect(parseFlags("x", ["--seed", "3"], OPTIONS)).toEqual({ seed: "3" });
  });
});

describe("--param and --risk", () => {
  it("refuse a name given twice instead of letting the last one win", () => {
    expect(usage(() => parseParams("backtest", ["fast_period=4", "fast_period=8"]))).toBe("backtest: --param fast_period is given twice; give it once");
    expect(usage(() => parseRisk("backtest", ["maxOrderQtyLots=4", "maxOrderQtyLots=8"]))).toBe("backtest: --risk maxOrderQtyLots is given twice; give it once");
    expect(parseParams("backtest", ["a=1", "b=-2"])).toEqual(new Map([["a", 1], ["b", -2]]));
  });
});
