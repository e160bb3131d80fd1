// The host's working-order table against a Map, over random adds, fills,
// removals and clears: same members, same leaves, ids ascending.
import { describe, expect, it } from "vitest";
import { WorkingOrders } from "../../../host/live/workingOrders.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

interface Entry { leaves: number }

function check(t: WorkingOrders, ref: Map<number, Entry>, idSpace: number): void {
  expect(t.size).toBe(ref.size);
  expect(t.ids()).toEqual([...ref.keys()].sort((a, b) => a - b));
  for (let id = 1; id <= idSpace; id++) {
    const e = ref.get(id);
    expect(t.has(id)).toBe(e !== undefined);
    expect(t.leavesOf(id)).toBe(e === undefined ? -1 : e.leaves);
  }
}

describe("WorkingOrders", () => {
  it("matches a Map over random operations, through growth and deletions that wrap the table", () => {
    const seed = testSeed("workingOrders.random");
    const rand = prng(seed);
    for (const idSpace of [40, 300, 5000]) {
      const t = new WorkingOrders();
      const ref = new Map<number, Entry>();
      for (let step = 0; step < 6000; step++) {
        const op = rand();
        // Sequential-ish ids as a venue issues them, plus random ones.
        const id = op < 0.05 ? randInt(rand, 1, 0x7fffffff) : randInt(rand, 1, idSpace);
        if (op < 0.5) {
          const e = { leaves: randInt(rand, 1, 1000) };
          t.set(id, e.leaves);
          ref.set(id, e);
        } else if (op < 0.6) {
          const leaves = randInt(rand, 0, 1000);
          expect(t.setLeaves(id, leaves)).toBe(ref.has(id));
          const e = ref.get(id);
          if (e) e.leaves = leaves;
        } else if (op < 0.998) {
          expect(t.delete(id)).toBe(ref.delete(id));
        } else {
          t.clear();
          ref.clear();
        }
        if (step % 500 === 0) check(t, ref, Math.min(idSpace, 400));
      }
      check(t, ref, Math.min(idSpace, 400));
      for (const id of ref.keys()) expect(t.has(id)).toBe(true);
    }
  });

  it("refuses an id it cannot hold", () => {
    const t = new WorkingOrders();
    for (const bad of [0, -1, 1.5, 2 ** 31, Number.NaN]) expect(() => t.set(bad, 1)).toThrow(/order id must be an integer in 1\.\.2\^31-1/);
    expect(t.size).toBe(0);
    expect(t.delete(0)).toBe(false);
  });
});
