import { describe, expect, it } from "vitest";
import { admissionLimits, DEFAULT_ADMISSION_LIMITS } from "../../../host/admission/limits.ts";
import { DEFAULT_METER_OPTIONS } from "../../../host/metering/meterAbi.ts";

describe("admission limits", () => {
  it("defaults are frozen and share the memory cap with metering", () => {
    expect(Object.isFrozen(DEFAULT_ADMISSION_LIMITS)).toBe(true);
    expect(DEFAULT_ADMISSION_LIMITS.maxMemoryPages).toBe(DEFAULT_METER_OPTIONS.maxMemoryPages);
    expect(admissionLimits()).toEqual(DEFAULT_ADMISSION_LIMITS);
  });

  it("applies overrides and keeps the other defaults; an explicit undefined keeps the default", () => {
    const l = admissionLimits({ maxFunctions: 10, maxImports: undefined });
    expect(l.maxFunctions).toBe(10);
    expect(l.maxImports).toBe(DEFAULT_ADMISSION_LIMITS.maxImports);
    expect(Object.isFrozen(l)).toBe(true);
  });

  it("rejects bad values with a RangeError naming the option and the value", () => {
    expect(() => admissionLimits({ maxFunctions: -1 })).toThrow(RangeError);
    expect(() => admissionLimits({ maxFunctions: -1 })).toThrow(/^maxFunctions=-1: must be an integer in \[0, /);
    expect(() => admissionLimits({ maxMemoryPages: 0 })).toThrow(/^maxMemoryPages=0:/);
    expect(() => admissionLimits({ maxMemoryPages: 65_537 })).toThrow(/^maxMemoryPages=65537:/);
    expect(() => admissionLimits({ maxModuleBytes: 1.5 })).toThrow(/^maxModuleBytes=1\.5:/);
    expect(() => admissionLimits({ maxDataBytes: "9" as unknown as number })).toThrow(/^maxDataBytes=9:/);
    expect(() => admissionLimits({ maxExports: Number.NaN })).toThrow(/^maxExports=NaN:/);
  });

  it("rejects an unknown option by name", () => {
    expect(() => admissionLimits({ maxFunctons: 3 } as never)).toThrow(/unknown admission limit 'maxFunctons'/);
  });
});
