import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeCallGraph, reachesMarked, stronglyConnectedComponents } from "../../../host/metering/callGraph.ts";
import { testSeed } from "../../support/seed.ts";

const sorted = (components: number[][]) => components.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);

/** Brute force: i and j share a component iff each reaches the other. */
function reachability(edges: number[][]): boolean[][] {
  const n = edges.length;
  const reach = Array.from({ length: n }, (_, i) => {
    const seen = new Array<boolean>(n).fill(false);
    const stack = [...edges[i]];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = true;
      stack.push(...edges[v]);
    }
    return seen;
  });
  return reach;
}

/** Brute force heaviest path over simple paths of the condensation, by DFS over all walks that never revisit a node. */
function heaviestPathBrute(edges: number[][], weight: number[], recursive: readonly boolean[]): number {
  let best = 0;
  const n = edges.length;
  const visit = (v: number, seen: Set<number>, sum: number) => {
    const total = sum + (recursive[v] ? 0 : weight[v]);
    best = Math.max(best, total);
    for (const w of edges[v]) {
      if (seen.has(w)) continue;
      seen.add(w);
      visit(w, seen, total);
      seen.delete(w);
    }
  };
  for (let v = 0; v < n; v++) visit(v, new Set([v]), 0);
  return best;
}

describe("call graph analysis", () => {
  it("finds components callees-first, and self-calls and cycles as recursive", () => {
    // 0 -> 1 -> 2 -> 1 (cycle), 2 -> 3, 4 -> 4 (self), 5 alone
    const edges = [[1], [2], [1, 3], [], [4], []];
    const components = stronglyConnectedComponents(edges);
    expect(sorted(components)).toEqual([[0], [1, 2], [3], [4], [5]]);
    // callees first: 3 before {1,2} before 0
    const position = (v: number) => components.findIndex((c) => c.includes(v));
    expect(position(3)).toBeLessThan(position(1));
    expect(position(1)).toBeLessThan(position(0));
    const facts = analyzeCallGraph(edges, [10, 100, 100, 1, 7, 50]);
    expect(facts.recursive).toEqual([false, true, true, false, true, false]);
    // heaviest acyclic path: 5 alone (50) vs 0 -> {1,2} -> 3 (10 + 0 + 1)
    expect(facts.heaviestAcyclicPath).toBe(50);
  });

  it("handles long chains without recursion (10,000 functions)", () => {
    const n = 10_000;
    const edges = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const facts = analyzeCallGraph(edges, new Array(n).fill(2));
    expect(facts.recursive.some(Boolean)).toBe(false);
    expect(facts.heaviestAcyclicPath).toBe(2 * n);
  });

  it("agrees with brute force on random graphs", () => {
    const seed = testSeed("metering call graph");
    const graph = fc.integer({ min: 1, max: 9 }).chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
      ));
    fc.assert(
      fc.property(graph, ([edges, weight]) => {
        const reach = reachability(edges);
        const facts = analyzeCallGraph(edges, weight);
        for (let i = 0; i < edges.length; i++) expect(facts.recursive[i]).toBe(reach[i][i]);
        const components = stronglyConnectedComponents(edges);
        for (const c of components) for (const a of c) for (const b of c) if (a !== b) expect(reach[a][b]).toBe(true);
        expect(facts.heaviestAcyclicPath).toBe(heaviestPathBrute(edges, weight, facts.recursive));
      }),
      { seed, numRuns: 300 },
    );
  });

  it("reachesMarked: a node reaches a marked one iff it is marked or some marked node is reachable from it (random graphs vs brute force)", () => {
    const seed = testSeed("metering call graph reachesMarked");
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      ));
    fc.assert(
      fc.property(graph, ([edges, marked]) => {
        const reach = reachability(edges);
        const got = reachesMarked(edges, marked);
        for (let i = 0; i < edges.length; i++) {
          expect(got[i]).toBe(marked[i] || marked.some((m, j) => m && reach[i][j]));
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
