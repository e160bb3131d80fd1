/**
 * Fuel used per market event, in delivery order (flight recorder and
 * replay: "same fuel per event"). Growable Int32Array; grows by doubling,
 * so pushing allocates only O(log n) times.
 */
/** Where a runner reports the fuel of each market event it handles (StrategyRunner.fuelTrace). */
export interface FuelSink {
  push(fuel: number): void;
}

export class FuelTrace implements FuelSink {
  private data = new Int32Array(1024);
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(fuel: number): void {
    if (this.n === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = fuel;
  }

  /** A copy of the recorded values. */
  toArray(): Int32Array {
    return this.data.slice(0, this.n);
  }
}
