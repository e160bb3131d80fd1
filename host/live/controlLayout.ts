/**
 * Control block shared by the supervisor (main thread) and every strategy
 * worker: health counters the worker bumps and commands the host sets. The
 * one descriptor of these words; one 64-byte line per worker and per
 * strategy so no two writers share a cache line.
 *
 *   line w (worker w):      | stop u32 | heartbeat u32 | eventsLo u32 | eventsHi u32 | state u32 | ... |
 *   line W + s (strategy s): | killSwitch u32 (KillSwitchState) | faulted u32 | ... |
 *
 * Worker state: 0 starting, 1 running, 2 stopped (clean), 3 failed.
 */
export const CONTROL_LINE_WORDS = 16;
export const WorkerField = { stop: 0, heartbeat: 1, eventsLo: 2, eventsHi: 3, state: 4 } as const;
export const WorkerState = { Starting: 0, Running: 1, Stopped: 2, Failed: 3 } as const;
export const StrategyField = { killSwitch: 0, faulted: 1 } as const;

export function controlBytes(workers: number, strategies: number): number {
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new RangeError(`control block: workers=${workers} must be in 1..64`);
  if (!Number.isInteger(strategies) || strategies < 1 || strategies > 1024) throw new RangeError(`control block: strategies=${strategies} must be in 1..1024`);
  return (workers + strategies) * CONTROL_LINE_WORDS * 4;
}

export function workerWord(worker: number, field: number): number {
  return worker * CONTROL_LINE_WORDS + field;
}

export function strategyWord(workers: number, strategy: number, field: number): number {
  return (workers + strategy) * CONTROL_LINE_WORDS + field;
}
