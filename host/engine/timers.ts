import { HostStatus } from "../abi/codes.ts";
import { MAX_PENDING_TIMERS } from "../abi/callTable.ts";

/**
 * A strategy's pending timers, kept sorted by (dueNs, id) so they fire in a
 * deterministic order. At most MAX_PENDING_TIMERS, so a sorted array beats
 * any heap; storage is preallocated (no allocation on set/fire).
 */
export class Timers {
  private readonly due = new Float64Array(MAX_PENDING_TIMERS);
  private readonly ids = new Int32Array(MAX_PENDING_TIMERS);
  private readonly tags = new Uint32Array(MAX_PENDING_TIMERS);
  private count = 0;
  private nextId = 1;

  get pending(): number {
    return this.count;
  }

  /** Returns the timer id (> 0) or HostStatus.TooManyTimers. */
  set(dueNs: number, tag: number): number {
    if (this.count === MAX_PENDING_TIMERS) return HostStatus.TooManyTimers;
    const id = this.nextId++;
    let i = this.count++;
    // Insert after every timer due at or before dueNs: ties fire in id order.
    while (i > 0 && this.due[i - 1] > dueNs) {
      this.due[i] = this.due[i - 1];
      this.ids[i] = this.ids[i - 1];
      this.tags[i] = this.tags[i - 1];
      i--;
    }
    this.due[i] = dueNs;
    this.ids[i] = id;
    this.tags[i] = tag;
    return id;
  }

  cancel(id: number): number {
    for (let i = 0; i < this.count; i++) {
      if (this.ids[i] === id) {
        this.removeAt(i);
        return HostStatus.Ok;
      }
    }
    return HostStatus.UnknownTimer;
  }

  /** Due time of the earliest timer, or Infinity. */
  nextDueNs(): number {
    return this.count === 0 ? Infinity : this.due[0];
  }

  /** Removes the earliest timer; returns its id and writes its due time and tag into `out`. */
  popFirst(out: { dueNs: number; tag: number }): number {
    const id = this.ids[0];
    out.dueNs = this.due[0];
    out.tag = this.tags[0];
    this.removeAt(0);
    return id;
  }

  clear(): void {
    this.count = 0;
  }

  private removeAt(i: number): void {
    for (let j = i + 1; j < this.count; j++) {
      this.due[j - 1] = this.due[j];
      this.ids[j - 1] = this.ids[j];
      this.tags[j - 1] = this.tags[j];
    }
    this.count--;
  }
}
