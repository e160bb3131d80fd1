// The live view shows restarts per strategy and why a strategy is down.
import { describe, expect, it } from "vitest";
import { renderView } from "../../../host/live/terminalView.ts";
import { LiveTelemetry } from "../../../host/live/telemetry.ts";

describe("renderView", () => {
  it("has a restarts column; a restarted strategy reads ok, a pending one says it is restarting, an exhausted one says why", () => {
    const t = new LiveTelemetry(["a.wasm", "b.wasm", "c.wasm"]);
    t.strategies[0].restarts = 2;
    t.strategies[1].lastFault = { kind: "disconnect", atEvent: -1, fuelAtFault: 0, callback: "-", message: "worker 1 exited with code 1" };
    t.strategies[1].restartPending = true;
    t.strategies[1].restarts = 1;
    t.strategies[2].lastFault = { kind: "watchdog", atEvent: -1, fuelAtFault: 0, callback: "-", message: "worker 0 heartbeat frozen for 2001 ms; not restarted: 3 of 3 restarts used" };
    t.strategies[2].restarts = 3;
    const lines = renderView(t, 1000).split("\n");
    expect(lines[2]).toMatch(/^strategy\s+orders\s+denied\s+fills\s+position\s+restarts\s+status$/);
    expect(lines[3]).toMatch(/^a\.wasm\s+0\s+0\s+0\s+0\s+2\s+ok$/);
    expect(lines[4]).toMatch(/^b\.wasm\s+0\s+0\s+0\s+0\s+1\s+restarting — disconnect: worker 1 exited with code 1$/);
    expect(lines[5]).toMatch(/\s3\s+watchdog: .*not restarted: 3 of 3 restarts used$/);
  });
});
