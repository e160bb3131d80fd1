/**
 * How `bench latency` parks its busy-polling bench workers between rounds,
 * so that at most one spinning worker competes for this 2-core machine at
 * any time. One Int32 command word the host writes and the worker parks on:
 *
 *   Park 0   the worker sleeps in Atomics.wait on the word
 *   Run  1   the worker busy-polls its input, looking at the word every
 *            COMMAND_POLL_EVERY empty polls
 *   Exit 2   the worker returns from its loop and the thread ends
 */
export const WorkerCommand = { Park: 0, Run: 1, Exit: 2 } as const;
export type WorkerCommand = (typeof WorkerCommand)[keyof typeof WorkerCommand];

/** Empty polls between looks at the command word while running. */
export const COMMAND_POLL_EVERY = 1024;

/** Worker side: sleeps while parked; true once told to run, false once told to exit. */
export function awaitRun(words: Int32Array, index: number): boolean {
  for (;;) {
    const c = Atomics.load(words, index);
    if (c === WorkerCommand.Run) return true;
    if (c === WorkerCommand.Exit) return false;
    Atomics.wait(words, index, WorkerCommand.Park, 50);
  }
}

/** Host side: sets the command and wakes a parked worker. */
export function setCommand(words: Int32Array, index: number, c: WorkerCommand): void {
  Atomics.store(words, index, c);
  Atomics.notify(words, index);
}
