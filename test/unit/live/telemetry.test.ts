// A live strategy's fault line is read from its typed fault, so the two can
// never tell different stories.
import { describe, expect, it } from "vitest";
import { LiveTelemetry } from "../../../host/live/telemetry.ts";

describe("StrategyLive.fault", () => {
  it("follows lastFault: null while trading, an own fault with event and callback, a worker's death as kind: why", () => {
    const s = new LiveTelemetry(["a.wasm"]).strategies[0];
    expect(s.fault).toBeNull();
    s.lastFault = { kind: "trap", atEvent: 3, fuelAtFault: 10, callback: "rf_on_market", message: "wasm trap: unreachable executed" };
    expect(s.fault).toBe("trap at event 3: rf_on_market: wasm trap: unreachable executed");
    s.lastFault = { kind: "disconnect", atEvent: -1, fuelAtFault: 0, callback: "-", message: "worker 0 exited with code 1" };
    expect(s.fault).toBe("disconnect: worker 0 exited with code 1");
    s.lastFault = { ...s.lastFault, message: s.lastFault.message + "; not restarted: 2 of 2 restarts used" };
    expect(s.fault).toBe("disconnect: worker 0 exited with code 1; not restarted: 2 of 2 restarts used");
    s.lastFault = null;
    expect(s.fault).toBeNull();
    // And it matches as a plain field does (tests and the service read it so).
    expect(s).toMatchObject({ fault: null, restarts: 0 });
  });
});
