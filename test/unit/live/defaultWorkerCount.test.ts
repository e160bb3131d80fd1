// `run` without --workers: one worker per strategy as far as the cores
// allow, one core kept for the feed thread, never fewer than one.
import { describe, expect, it } from "vitest";
import { defaultWorkerCount } from "../../../host/live/liveRun.ts";

describe("defaultWorkerCount", () => {
  it.each([
    [1, 1, 1],
    [3, 1, 1],
    [3, 2, 1],
    [1, 8, 1],
    [3, 8, 3],
    [12, 8, 7],
    [200, 256, 64],
  ])("%i strategies on %i cores: %i workers", (strategies, cores, workers) => {
    expect(defaultWorkerCount(strategies, cores)).toBe(workers);
  });
});
