// The SDK's logging against the host's argument checks: a level outside
// LogLevel (0..3) is a bad_host_call fault in the host (and in the fake
// host, whose checks match), so log() and logLine().send() clamp it to
// Debug..Error and the line still reaches the log.
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { FakeHost } from "../strategies/fakeHost.ts";

const LEVELS = [-1, 4, -2147483648, 2147483647, 0, 1, 2, 3];

const SOURCE = `
import { log, logLine, param, LogLevel } from "ringfence";
export * from "ringfence/exports";

// The levels come in as params so the cases are chosen by the test; one
// log() and one logLine().send() per level, in two callbacks (8 lines each).
export function rf_start(): void {
  for (let i = 0; i < ${LEVELS.length}; i++) log("log " + i.toString(), <LogLevel>param("l" + i.toString(), 1));
}

export function rf_stop(): void {
  for (let i = 0; i < ${LEVELS.length}; i++) logLine().text("line ").int(i).send(<LogLevel>param("l" + i.toString(), 1));
}
`;

describe("SDK log levels", () => {
  it("clamps a level outside Debug..Error instead of sending it to the host", async () => {
    const { wasm } = await compileStrategySource(SOURCE, "levels");
    const host = await FakeHost.instantiate(wasm, new Map(LEVELS.map((l, i) => [`l${i}`, l])));
    host.start();
    host.stop();
    const clamped = [0, 3, 0, 3, 0, 1, 2, 3];
    expect(host.logs).toEqual([
      ...clamped.map((level, i) => ({ level, text: `log ${i}` })),
      ...clamped.map((level, i) => ({ level, text: `line ${i}` })),
    ]);
  });
});
