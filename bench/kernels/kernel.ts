/**
 * A fuel-benchmark kernel: a small module in WAT exporting `run(n) -> i32`
 * (and optionally `setup()`, called once, unmetered time not measured).
 * Each kernel isolates one shape of guest code whose metering cost differs:
 * loop headers, long dependency chains, memory + float stores, calls.
 */
export interface FuelKernel {
  readonly name: string;
  /** What the kernel stresses, for the report. */
  readonly doc: string;
  readonly wat: string;
  /** Argument passed to run(n): sized so one call takes roughly a millisecond. */
  readonly n: number;
  /** Plain JS reference for run(n) (used by tests to check the wasm). */
  reference(n: number): number;
}
