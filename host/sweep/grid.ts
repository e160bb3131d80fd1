/**
 * A sweep's parameter grid: `--param name=v1,v2,…` flags → every combination,
 * in a fixed order (flags in the order given, values in the order given; the
 * last flag varies fastest), so point i is the same point on every run.
 */
export interface GridAxis {
  readonly name: string;
  readonly values: readonly number[];
}

export const MAX_GRID_POINTS = 10_000;

/** Throws RangeError with a one-line message naming the bad flag. */
export function parseGrid(flags: readonly string[]): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const flag of flags) {
    const m = /^([A-Za-z0-9_.-]{1,64})=(-?\d+(?:,-?\d+)*)$/.exec(flag);
    if (!m) throw new RangeError(`--param expects name=v1,v2,… with integer values, got '${flag}'`);
    if (axes.some((a) => a.name === m[1])) throw new RangeError(`--param ${m[1]} is given twice`);
    const values = m[2].split(",").map(Number);
    if (!values.every(Number.isSafeInteger)) throw new RangeError(`--param ${m[1]} has a value outside ±2^53`);
    axes.push({ name: m[1], values });
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS) throw new RangeError(`the grid has ${points} points, over the ${MAX_GRID_POINTS}-point limit`);
  return axes;
}

/** Every point of the grid as [name, value] pairs (one empty point for an empty grid). */
export function gridPoints(axes: readonly GridAxis[]): [string, number][][] {
  let points: [string, number][][] = [[]];
  for (const axis of axes) {
    const next: [string, number][][] = [];
    for (const p of points) for (const v of axis.values) next.push([...p, [axis.name, v]]);
    points = next;
  }
  return points;
}
