/**
 * The orders the host knows to be working for one strategy (what
 * cancel-on-disconnect cancels): order id → leaves.
 *
 * An open-addressing table (linear probing, backward-shift deletion, so no
 * tombstones) over typed arrays: adding and removing an order allocates
 * nothing until the table has to grow. A Map did the same job but allocated
 * on every order in a live run: ~60 bytes for the entry's object, and,
 * because a Map that falls under a quarter full shrinks on delete, a new
 * ~150-byte table each time an order left a Map that had held one or two
 * (V8's sampling heap profiler on the feed thread of a ping-pong like
 * `bench latency`'s: ~300 bytes of garbage per order, a scavenge every
 * ~200 ms).
 *
 * Order ids are the venue's, > 0; 0 marks an empty slot.
 */
const MIN_CAPACITY = 16;

export class WorkingOrders {
  private keys = new Int32Array(MIN_CAPACITY);
  private leaves = new Float64Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private shift = 32 - Math.log2(MIN_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds order `id` (> 0, an int32), or overwrites it. */
  set(id: number, leavesLots: number): void {
    if (!(id > 0 && id <= 0x7fffffff) || Math.floor(id) !== id) throw new RangeError(`WorkingOrders: order id must be an integer in 1..2^31-1, got ${id}`);
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    let i = this.home(id);
    while (this.keys[i] !== 0 && this.keys[i] !== id) i = (i + 1) & this.mask;
    if (this.keys[i] === 0) {
      this.keys[i] = id;
      this.count++;
    }
    this.leaves[i] = leavesLots;
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  /** Leaves of order `id`, or -1 when it is not working. */
  leavesOf(id: number): number {
    const i = this.find(id);
    return i < 0 ? -1 : this.leaves[i];
  }

  /** Updates the leaves of a working order; false when `id` is not working. */
  setLeaves(id: number, leavesLots: number): boolean {
    const i = this.find(id);
    if (i < 0) return false;
    this.leaves[i] = leavesLots;
    return true;
  }

  /** Removes order `id`; false when it was not working. */
  delete(id: number): boolean {
    let i = this.find(id);
    if (i < 0) return false;
    const keys = this.keys;
    const mask = this.mask;
    // Backward-shift deletion: pull later members of the probe run into the
    // hole unless that would move one in front of its home slot.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j];
      if (k === 0) break;
      const h = this.home(k);
      // k may fill the hole at i only if i lies on its probe path, from h to j (cyclically).
      if (((j - h) & mask) >= ((j - i) & mask)) {
        keys[i] = k;
        this.leaves[i] = this.leaves[j];
        i = j;
      }
    }
    keys[i] = 0;
    this.count--;
    return true;
  }

  clear(): void {
    if (this.count === 0) return;
    this.keys.fill(0);
    this.count = 0;
  }

  /** The working order ids, ascending (allocates: for cancel-on-disconnect, not the hot path). */
  ids(): number[] {
    const out: number[] = [];
    for (const k of this.keys) if (k !== 0) out.push(k);
    return out.sort((a, b) => a - b);
  }

  private home(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> this.shift;
  }

  private find(id: number): number {
    if (!(id > 0)) return -1;
    let i = this.home(id);
    for (;;) {
      const k = this.keys[i];
      if (k === id) return i;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { keys, leaves } = this;
    const capacity = keys.length * 2;
    this.keys = new Int32Array(capacity);
    this.leaves = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i], leaves[i]);
  }
}
