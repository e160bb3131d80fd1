/**
 * Control block shared by the supervisor (main thread) and every strategy
 * worker: health counters the worker bumps and commands the host sets. The
 * one descriptor of these words; one 64-byte line for the host, then one
 * per worker and per strategy, so no two writers share a cache line.
 *
 *   line 0 (host):              | sampleTick u32 | ... |
 *   line 1 + w (worker w):      | stop u32 | heartbeat u32 | eventsLo u32 | eventsHi u32 | state u32 | ... |
 *   line 1 + W + s (strategy s): | killSwitch u32 (KillSwitchState) | faulted u32 | ... |
 *
 * sampleTick: bumped by the host about once a millisecond while it wants
 * stage telemetry (a paper run); a worker takes one sample of each stage
 * after each bump it sees. Nothing that decides reads it.
 *
 * Worker state: 0 starting, 1 running, 2 stopped (clean), 3 failed.
 */
export const CONTROL_LINE_WORDS = 16;
export const HostField = { sampleTick: 0 } as const;
export const WorkerField = { stop: 0, heartbeat: 1, eventsLo: 2, eventsHi: 3, state: 4 } as const;
export const WorkerState = { Starting: 0, Running: 1, Stopped: 2, Failed: 3 } as const;
export const StrategyField = { killSwitch: 0, faulted: 1 } as const;

/** Lines before the first worker's: the host's. */
const HOST_LINES = 1;

export function controlBytes(workers: number, strategies: number): number {
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new RangeError(`control block: workers=${workers} must be in 1..64`);
  if (!Number.isInteger(strategies) || strategies < 1 || strategies > 1024) throw new RangeError(`control block: strategies=${strategies} must be in 1..1024`);
  return (HOST_LINES + workers + strategies) * CONTROL_LINE_WORDS * 4;
}

export function hostWord(field: number): number {
  return field;
}

export function workerWord(worker: number, field: number): number {
  return (HOST_LINES + worker) * CONTROL_LINE_WORDS + field;
}

export function strategyWord(workers: number, strategy: number, field: number): number {
  return (HOST_LINES + workers + strategy) * CONTROL_LINE_WORDS + field;
}
