/**
 * The invariants a fuzz case must never break (docs/fuzzing.md), and the
 * one-line record of a broken one.
 */
export const Invariant = {
  /** 1. Nothing but a typed rejection or a typed fault comes out of the pipeline; the host keeps answering. */
  HostSurvives: "host-survives",
  /** 2. Every other strategy's report equals its solo run. */
  Isolation: "isolation",
  /** 3. No order reaches a venue without passing the risk gate. */
  RiskGate: "risk-gate",
  /** 4. The audit chain verifies and holds every host call. */
  Audit: "audit",
  /** 5. No event lost or duplicated for a healthy strategy. */
  Events: "events",
  /** 6. Memory and fuel stay within their caps. */
  Resources: "resources",
  /** 7. Faults are typed, and a run gives the same result every time. */
  Determinism: "determinism",
  /** A corpus case did something other than what it declares. */
  Expectation: "expectation",
} as const;
export type Invariant = (typeof Invariant)[keyof typeof Invariant];

export interface Violation {
  readonly invariant: Invariant;
  /** One line: what broke, where. */
  readonly message: string;
}
