// The corpus expectation language: parsing, matching, report checks.
import { describe, expect, it } from "vitest";
import type { StrategyReport } from "../../../host/engine/strategyRunner.ts";
import { failedReportChecks, mismatch, parseExpectation, parseReportChecks, type Outcome } from "../../../host/fuzz/expectation.ts";

const fault = (kind: string, callback = "rf_on_market", atEvent = 3): Outcome => ({ kind: "fault", fault: { kind, callback, atEvent, message: "m" } });

describe("parseExpectation", () => {
  it.each([
    ["healthy", { kind: "healthy" }],
    ["any", { kind: "any" }],
    ["reject gc,invalid", { kind: "reject", codes: ["gc", "invalid"] }],
    ["fault trap", { kind: "fault", fault: "trap" }],
    ["fault out_of_fuel in rf_on_timer at -1", { kind: "fault", fault: "out_of_fuel", callback: "rf_on_timer", atEvent: -1 }],
    ["  fault abi   at 7 ", { kind: "fault", fault: "abi", atEvent: 7 }],
  ])("%s", (text, want) => {
    expect(parseExpectation(text)).toEqual(want);
  });

  it.each([
    ["", /is not reject, fault, healthy or any/],
    ["fault melted", /fault kind 'melted'/],
    ["fault trap in rf_on_lunch", /callback 'rf_on_lunch'/],
    ["fault trap at x", /not an integer/],
    ["fault trap at", /needs a value/],
    ["fault trap near 3", /unknown word 'near'/],
    ["reject", /one comma-separated list/],
    ["reject Bad-Code", /not a reason code/],
    ["healthy please", /takes no arguments/],
  ])("refuses %j in one line", (text, msg) => {
    expect(() => parseExpectation(text)).toThrow(msg);
  });
});

describe("mismatch", () => {
  it("matches what was declared and names the difference otherwise", () => {
    expect(mismatch({ kind: "any" }, { kind: "host_error", message: "x" })).toBeNull();
    expect(mismatch({ kind: "healthy" }, { kind: "healthy" })).toBeNull();
    expect(mismatch({ kind: "healthy" }, fault("trap"))).toBe("expected healthy, got fault trap in rf_on_market at 3");
    expect(mismatch({ kind: "reject", codes: ["gc"] }, { kind: "rejected", codes: ["invalid", "gc"] })).toBeNull();
    expect(mismatch({ kind: "reject", codes: ["gc", "simd"] }, { kind: "rejected", codes: ["gc"] })).toMatch(/codes simd among gc/);
    expect(mismatch({ kind: "reject", codes: ["gc"] }, { kind: "healthy" })).toMatch(/expected rejection gc, got healthy/);
    expect(mismatch({ kind: "fault", fault: "trap" }, fault("trap", "rf_stop", 9))).toBeNull();
    expect(mismatch({ kind: "fault", fault: "trap", callback: "rf_stop" }, fault("trap"))).toMatch(/expected fault trap in rf_stop, got fault trap in rf_on_market/);
    expect(mismatch({ kind: "fault", fault: "trap", atEvent: 4 }, fault("trap"))).toMatch(/at 4, got .* at 3/);
    expect(mismatch({ kind: "fault", fault: "abort" }, fault("trap"))).not.toBeNull();
  });
});

describe("report checks", () => {
  const report = { orders: 5, rejects: 0, denials: { throttle: 3 }, logsDropped: 12 } as unknown as StrategyReport;

  it("parse and hold or fail with the value they saw", () => {
    const checks = parseReportChecks("orders=5 denials.throttle>0 denials.max_position=0 logsDropped>=12 rejects<1 orders!=4");
    expect(failedReportChecks(checks, report)).toEqual([]);
    expect(failedReportChecks(parseReportChecks("orders>5 denials.nope>0"), report)).toEqual([
      "report check orders>5 failed: orders is 5",
      "report check denials.nope>0 failed: denials.nope is 0",
    ]);
    expect(failedReportChecks(parseReportChecks("denials=1"), report)).toEqual(["report check denials=1: denials is not a number in the report"]);
    expect(failedReportChecks(parseReportChecks("orders=0"), undefined)).toEqual(["report check orders=0: the case never ran"]);
  });

  it("refuses malformed items", () => {
    expect(() => parseReportChecks("orders==5")).toThrow(/not <path><op><integer>/);
    expect(() => parseReportChecks("orders>five")).toThrow(/not <path><op><integer>/);
  });
});
