// The restart policy value: defaults, one name=value message per bad field,
// and a backoff that doubles per restart of a slot up to a cap.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RESTART_POLICY, MAX_RESTART_BACKOFF_MS, MAX_RESTARTS, RESTART_BACKOFF_CAP_MS, restartDelayMs, restartPolicy,
} from "../../../host/live/restartPolicy.ts";
import { testSeed } from "../../support/seed.ts";

describe("restartPolicy", () => {
  it("defaults to none, 3 restarts, 100 ms backoff, and freezes the result", () => {
    expect(restartPolicy()).toEqual(DEFAULT_RESTART_POLICY);
    expect(DEFAULT_RESTART_POLICY).toEqual({ policy: "none", maxRestarts: 3, backoffMs: 100 });
    const p = restartPolicy({ policy: "fresh", maxRestarts: 0 });
    expect(p).toEqual({ policy: "fresh", maxRestarts: 0, backoffMs: 100 });
    expect(Object.isFrozen(p)).toBe(true);
  });

  it.each([
    [{ policy: "always" as never }, /^restart policy: policy=always must be one of none\|fresh$/],
    [{ maxRestarts: -1 }, /^restart policy: maxRestarts=-1 must be an integer in 0\.\.1000$/],
    [{ maxRestarts: 1.5 }, /maxRestarts=1.5/],
    [{ maxRestarts: MAX_RESTARTS + 1 }, /maxRestarts=1001/],
    [{ backoffMs: -5 }, /^restart policy: backoffMs=-5 must be an integer in 0\.\.3600000$/],
    [{ backoffMs: MAX_RESTART_BACKOFF_MS + 1 }, /backoffMs=3600001/],
    [{ backoffMs: Number.NaN }, /backoffMs=NaN/],
  ])("rejects %o naming the field", (o, message) => {
    expect(() => restartPolicy(o)).toThrow(RangeError);
    expect(() => restartPolicy(o)).toThrow(message);
  });

  it("backoff doubles per restart of the slot: 100, 200, 400, … then stays at the cap", () => {
    const p = restartPolicy({ policy: "fresh", backoffMs: 100 });
    expect([1, 2, 3, 4].map((n) => restartDelayMs(p, n))).toEqual([100, 200, 400, 800]);
    expect(restartDelayMs(p, 9)).toBe(25_600);
    expect(restartDelayMs(p, 10)).toBe(RESTART_BACKOFF_CAP_MS);
    expect(restartDelayMs(p, 1000)).toBe(RESTART_BACKOFF_CAP_MS);
    expect(restartDelayMs(restartPolicy({ backoffMs: 0 }), 7)).toBe(0);
    // A base above the cap is kept, not cut down.
    expect(restartDelayMs(restartPolicy({ backoffMs: 60_000 }), 3)).toBe(60_000);
  });

  it("backoff never shrinks from one restart to the next and never passes max(base, cap) (property)", () => {
    const seed = testSeed("restartPolicy.backoff");
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_RESTART_BACKOFF_MS }), fc.integer({ min: 1, max: MAX_RESTARTS - 1 }), (backoffMs, n) => {
      const p = restartPolicy({ policy: "fresh", backoffMs });
      const a = restartDelayMs(p, n);
      const b = restartDelayMs(p, n + 1);
      return Number.isFinite(a) && a >= backoffMs && a <= b && b <= Math.max(backoffMs, RESTART_BACKOFF_CAP_MS);
    }), { seed, numRuns: 2_000 });
  });
});
