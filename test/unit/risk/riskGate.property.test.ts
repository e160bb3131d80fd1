import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Denial, KillSwitchState } from "../../../host/abi/codes.ts";
import { RiskGate, type RiskView } from "../../../host/risk/riskGate.ts";
import { MAX_RISK_LOTS, riskLimits } from "../../../host/risk/riskLimits.ts";
import type { OrderFields } from "../../../host/venue/orderFields.ts";
import { testSeed } from "../../support/seed.ts";
import { ReferenceRiskModel, type ModelOrder, type ModelView } from "./referenceModel.ts";

/** Any JS number, biased towards the edges the gate must survive. */
const anyNumber = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 0.5, 1.5, 1e300),
  fc.constantFrom(2 ** 50, 2 ** 50 + 1, -(2 ** 50), -(2 ** 50) - 1, 2 ** 50 - 1),
  fc.maxSafeInteger(),
  fc.double(),
);
const smallOr = (min: number, max: number) => fc.oneof({ weight: 6, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: anyNumber });
/** Mostly a few round values, so that limits are hit exactly (qty * price == maxNotional, etc.). */
const roundOr = (values: number[], min: number, max: number) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 2, arbitrary: fc.integer({ min, max }) });

const limitsArb = fc.record({
  maxOrderQtyLots: fc.oneof(roundOr([5, 10, 20], 1, 50), fc.constant(MAX_RISK_LOTS)),
  maxNotionalTicksLots: fc.oneof(roundOr([600, 1_000, 1_200, 2_400], 1, 20_000), fc.constant(Number.MAX_SAFE_INTEGER)),
  priceCollarBps: fc.oneof(roundOr([500, 1_000, 2_000], 1, 20_000), fc.constant(Number.MAX_SAFE_INTEGER)),
  maxPositionLots: fc.oneof(roundOr([10, 20, 50], 1, 100), fc.constant(MAX_RISK_LOTS)),
  maxWorkingOrders: fc.integer({ min: 1, max: 10 }),
  throttleMaxOrders: fc.integer({ min: 1, max: 5 }),
  throttleWindowNs: fc.oneof(roundOr([10, 50, 100], 1, 1_000), fc.constant(Number.MAX_SAFE_INTEGER)),
});

const priceArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(50, 100, 120, 200, 90, 95, 105, 110, 60, 240) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 250 }) },
  { weight: 1, arbitrary: anyNumber },
);
const refArb = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.constantFrom(50, 100, 120, 200) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }) });
/** Lots for the view: round values (limits hit exactly), the ±2^50 edges, -1, or anything at all. */
const lotsArb = (round: number[], min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...round) },
    { weight: 2, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(2 ** 50, 2 ** 50 + 1, -(2 ** 50), -(2 ** 50) - 1, -1) },
    { weight: 1, arbitrary: anyNumber },
  );

const orderArb = fc.record({
  instrument: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 0, 0, 0, 1, 2, 3) }, { weight: 1, arbitrary: anyNumber }),
  side: smallOr(1, 2),
  type: smallOr(1, 2),
  tif: smallOr(1, 2),
  priceTicks: priceArb,
  qtyLots: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(1, 2, 5, 10, 12, 20) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: anyNumber }),
  clientTag: fc.integer({ min: 0, max: 10 }),
});
/** Time moves forward by round steps (so orders land exactly on window edges), or is any number at all. */
const timeArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ advanceNs: fc.constantFrom(0, 0, 5, 10, 10, 40, 50, 100) }) },
  { weight: 1, arbitrary: fc.record({ rawNs: anyNumber }) },
);

type Op =
  | { op: "check"; order: ModelOrder; time: { advanceNs: number } | { rawNs: number } }
  | { op: "position" | "workingBuy" | "workingSell" | "reference"; i: number; v: number }
  | { op: "workingOrders"; v: number }
  | { op: "kill"; state: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant("check" as const), order: orderArb, time: timeArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("position" as const), i: fc.integer({ min: 0, max: 2 }), v: lotsArb([-20, -10, -5, 0, 5, 10, 20], -60, 60) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("workingBuy" as const), i: fc.integer({ min: 0, max: 2 }), v: lotsArb([0, 2, 5], 0, 30) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("workingSell" as const), i: fc.integer({ min: 0, max: 2 }), v: lotsArb([0, 2, 5], 0, 30) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reference" as const), i: fc.integer({ min: 0, max: 2 }), v: fc.oneof(refArb, anyNumber) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("workingOrders" as const), v: smallOr(0, 12) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("kill" as const), state: fc.constantFrom(KillSwitchState.Active, KillSwitchState.Active, KillSwitchState.Active, KillSwitchState.Reducing, KillSwitchState.Reducing, KillSwitchState.Halted) }) },
);

describe("RiskGate against the reference model", () => {
  it("every decision equals the model's, and check() never throws", () => {
    const seed = testSeed("riskGate.property");
    const coverage = new Array<number>(Math.max(...Object.values(Denial)) + 1).fill(0);
    const prop = fc.property(
      limitsArb,
      fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 20, arbitrary: fc.integer({ min: 1, max: 3 }) }),
      fc.array(refArb, { minLength: 3, maxLength: 3 }),
      fc.array(opArb, { minLength: 20, maxLength: 150 }),
      (limitsIn, instrumentCount, refs, ops) => {
        const limits = riskLimits(limitsIn);
        const state: ModelView = {
          instrumentCount,
          position: [0, 0, 0],
          workingBuy: [0, 0, 0],
          workingSell: [0, 0, 0],
          workingOrders: 0,
          reference: refs.slice(),
        };
        const view: RiskView = {
          instrumentCount,
          positionLots: (i) => state.position[i],
          workingBuyLots: (i) => state.workingBuy[i],
          workingSellLots: (i) => state.workingSell[i],
          workingOrders: () => state.workingOrders,
          referencePriceTicks: (i) => state.reference[i],
        };
        const gate = new RiskGate(limits, view);
        const model = new ReferenceRiskModel(limits, state);
        const tally = new Array<number>(gate.denials.length).fill(0);
        let now = 0;
        for (const op of ops) {
          switch (op.op) {
            case "check": {
              let timeNs: number;
              if ("advanceNs" in op.time) timeNs = now += op.time.advanceNs;
              else timeNs = op.time.rawNs;
              const got = gate.check(op.order as OrderFields, timeNs);
              const want = model.check(op.order, timeNs);
              if (got !== want) {
                throw new Error(`gate said ${got}, model said ${want} for ${JSON.stringify(op)} (view ${JSON.stringify(state)})`);
              }
              tally[got]++;
              coverage[got]++;
              break;
            }
            case "workingOrders":
              state.workingOrders = op.v;
              break;
            case "kill":
              gate.setKillSwitch(op.state as KillSwitchState);
              model.killSwitch = op.state;
              break;
            default:
              state[op.op][op.i] = op.v;
          }
        }
        for (let d = 1; d < tally.length; d++) expect(gate.denials[d]).toBe(tally[d]);
        expect(gate.accepted).toBe(tally[0]);
      },
    );
    fc.assert(prop, { seed, numRuns: 2_000 });
    // Not vacuous: the generated runs reached every outcome, acceptance and each denial.
    for (let d = 0; d < coverage.length; d++) expect(coverage[d], `outcome ${d} never produced`).toBeGreaterThan(0);
  });

});
