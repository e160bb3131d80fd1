/**
 * The module's call graph, for deciding which functions must count stack
 * units. Only a function on a cycle (a recursive strongly connected
 * component) can appear more than once on a stack; every other function
 * appears at most once, so all non-recursive frames on any stack together
 * weigh at most the heaviest path through the graph's condensation — a
 * static number the recursive functions reserve from the budget instead.
 *
 * Nodes are function indices 0..n-1; edges[i] lists the functions i may call
 * (direct calls, and for call_indirect every function in a table). Pure,
 * iterative (no recursion, so 10,000-function modules are fine), allocates.
 */
export interface CallGraphFacts {
  /** recursive[i]: i lies on a cycle (a component of several functions, or a self-call). */
  readonly recursive: readonly boolean[];
  /**
   * Largest total weight of non-recursive functions on one call path
   * (weights of recursive functions count 0: they are counted at run time).
   */
  readonly heaviestAcyclicPath: number;
}

/** Tarjan's SCC algorithm, iterative. Returns components in reverse topological order (callees first). */
export function stronglyConnectedComponents(edges: readonly (readonly number[])[]): number[][] {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let next = 0;
  // Explicit DFS frames: node and position in its edge list.
  const frameNode: number[] = [];
  const frameEdge: number[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frameNode.push(root);
    frameEdge.push(0);
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (frameNode.length > 0) {
      const top = frameNode.length - 1;
      const v = frameNode[top];
      const out = edges[v];
      if (frameEdge[top] < out.length) {
        const w = out[frameEdge[top]++];
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          frameNode.push(w);
          frameEdge.push(0);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      frameNode.pop();
      frameEdge.pop();
      if (frameNode.length > 0) {
        const parent = frameNode[frameNode.length - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** Which functions are recursive, and the heaviest acyclic path given each function's weight. */
export function analyzeCallGraph(edges: readonly (readonly number[])[], weight: readonly number[]): CallGraphFacts {
  const n = edges.length;
  const components = stronglyConnectedComponents(edges);
  const componentOf = new Int32Array(n);
  components.forEach((c, i) => c.forEach((v) => (componentOf[v] = i)));
  const recursive = new Array<boolean>(n).fill(false);
  for (const c of components) {
    const cyclic = c.length > 1 || edges[c[0]].includes(c[0]);
    if (cyclic) for (const v of c) recursive[v] = true;
  }
  // Components come callees-first, so each one's successors are already final.
  const heaviestFrom = new Float64Array(components.length);
  let heaviest = 0;
  for (let i = 0; i < components.length; i++) {
    let own = 0;
    let below = 0;
    for (const v of components[i]) {
      if (!recursive[v]) own += weight[v];
      for (const w of edges[v]) {
        const cw = componentOf[w];
        if (cw !== i) below = Math.max(below, heaviestFrom[cw]);
      }
    }
    heaviestFrom[i] = own + below;
    heaviest = Math.max(heaviest, heaviestFrom[i]);
  }
  return { recursive, heaviestAcyclicPath: heaviest };
}

/**
 * reaches[i]: some marked node is reachable from i (i itself included), i.e.
 * i is marked or calls, directly or through others, a marked function.
 * Reverse breadth-first search; allocates.
 */
export function reachesMarked(edges: readonly (readonly number[])[], marked: readonly boolean[]): boolean[] {
  const n = edges.length;
  const callers: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) for (const w of edges[v]) callers[w].push(v);
  const reaches = marked.slice(0, n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (reaches[v]) queue.push(v);
  for (let head = 0; head < queue.length; head++) {
    for (const u of callers[queue[head]]) {
      if (reaches[u]) continue;
      reaches[u] = true;
      queue.push(u);
    }
  }
  return reaches;
}
