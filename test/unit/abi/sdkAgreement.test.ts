/**
 * The AssemblyScript SDK's copy of guest ABI v1 (assembly/abi.ts,
 * assembly/bindings.ts) must equal the host's (host/abi/*.ts).
 *
 * Values are checked through the compiler, not by reading the text: a
 * generated strategy logs every SDK constant from rf_start and the test
 * compares what arrives with the host's value. Names are checked both ways:
 * the generated source names every host member (a missing one fails to
 * compile) and the SDK's declared members are read from abi.ts (an extra
 * one fails the set comparison).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as callTable from "../../../host/abi/callTable.ts";
import * as codes from "../../../host/abi/codes.ts";
import * as eventRecord from "../../../host/abi/eventRecord.ts";
import * as guestRecords from "../../../host/abi/guestRecords.ts";
import { ABI_VERSION, IMPORT_NAMESPACE } from "../../../host/abi/version.ts";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { readModuleInterface } from "../../../host/compiler/moduleInterface.ts";
import { repoRoot } from "../../support/dist.ts";
import { FakeHost } from "../strategies/fakeHost.ts";

const sdkDir = join(repoRoot, "assembly");

/** Host enums and offset tables the SDK mirrors, by the name both sides use. */
const TABLES: Record<string, Readonly<Record<string, number>>> = {
  EventKind: codes.EventKind,
  Side: codes.Side,
  OrderType: codes.OrderType,
  TimeInForce: codes.TimeInForce,
  OrderStatus: codes.OrderStatus,
  Denial: codes.Denial,
  HostStatus: codes.HostStatus,
  LogLevel: codes.LogLevel,
  MarketData: codes.MarketData,
  KillSwitchState: codes.KillSwitchState,
  EventOffset: eventRecord.EventOffset,
  OrderRequestOffset: guestRecords.OrderRequestOffset,
  PositionOffset: guestRecords.PositionOffset,
  OrderViewOffset: guestRecords.OrderViewOffset,
  InstrumentInfoOffset: guestRecords.InstrumentInfoOffset,
};

/** Host scalar constants the SDK mirrors. */
const CONSTANTS: Record<string, number> = {
  ABI_VERSION,
  ALL_INSTRUMENTS: codes.ALL_INSTRUMENTS,
  EVENT_RECORD_BYTES: eventRecord.EVENT_RECORD_BYTES,
  EVENT_RECORD_ALIGN: eventRecord.EVENT_RECORD_ALIGN,
  ORDER_REQUEST_BYTES: guestRecords.ORDER_REQUEST_BYTES,
  POSITION_RECORD_BYTES: guestRecords.POSITION_RECORD_BYTES,
  ORDER_VIEW_BYTES: guestRecords.ORDER_VIEW_BYTES,
  INSTRUMENT_INFO_BYTES: guestRecords.INSTRUMENT_INFO_BYTES,
  SYMBOL_BYTES: guestRecords.SYMBOL_BYTES,
  RECORD_ALIGN: guestRecords.RECORD_ALIGN,
  MAX_LOG_BYTES: callTable.MAX_LOG_BYTES,
  MAX_LOG_LINES_PER_CALLBACK: callTable.MAX_LOG_LINES_PER_CALLBACK,
  MAX_PARAM_KEY_BYTES: callTable.MAX_PARAM_KEY_BYTES,
  MAX_PENDING_TIMERS: callTable.MAX_PENDING_TIMERS,
  MAX_TIMER_DELAY_US: callTable.MAX_TIMER_DELAY_US,
};

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

/** `export enum X { a = 1, ... }` member names and `export const X` names declared in abi.ts. */
function declaredInAbiTs(): { enums: Map<string, string[]>; constants: string[] } {
  const src = stripComments(readFileSync(join(sdkDir, "abi.ts"), "utf8"));
  const enums = new Map<string, string[]>();
  for (const m of src.matchAll(/export enum (\w+)\s*\{([^}]*)\}/g)) {
    enums.set(m[1], m[2].split(",").map((s) => s.trim()).filter((s) => s.length > 0).map((s) => s.split("=")[0].trim()));
  }
  const constants = [...src.matchAll(/export const (\w+)\s*:/g)].map((m) => m[1]);
  return { enums, constants };
}

describe("assembly/abi.ts agrees with host/abi", () => {
  let logged: Map<string, string>;
  let host: FakeHost;

  beforeAll(async () => {
    const lines: string[] = [];
    for (const [table, members] of Object.entries(TABLES)) {
      for (const key of Object.keys(members)) lines.push(`  logLine().text("${table}.${key}=").int(<i64>${table}.${key}).info();`);
    }
    for (const name of Object.keys(CONSTANTS)) lines.push(`  logLine().text("${name}=").int(<i64>${name}).info();`);
    for (const code of Object.keys(codes.DenialName)) lines.push(`  logLine().text("denialName.${code}=").text(denialName(${code})).info();`);
    const source = [
      `import { logLine } from "ringfence";`,
      `import { denialName, ${[...Object.keys(TABLES), ...Object.keys(CONSTANTS)].join(", ")} } from "ringfence/abi";`,
      `export * from "ringfence/exports";`,
      `export function rf_start(): void {`,
      ...lines,
      `}`,
    ].join("\n");
    const { wasm } = await compileStrategySource(source, "sdk_agreement");
    host = await FakeHost.instantiate(wasm);
    host.start();
    logged = new Map(host.logs.map((l) => {
      const eq = l.text.indexOf("=");
      return [l.text.slice(0, eq), l.text.slice(eq + 1)] as [string, string];
    }));
  });

  for (const [table, members] of Object.entries(TABLES)) {
    it(`${table}: same members, same values`, () => {
      const declared = declaredInAbiTs().enums.get(table);
      expect(declared, `assembly/abi.ts declares no enum ${table}`).toBeDefined();
      expect([...declared!].sort()).toEqual(Object.keys(members).sort());
      for (const [key, value] of Object.entries(members)) {
        expect(logged.get(`${table}.${key}`), `${table}.${key}`).toBe(String(value));
      }
    });
  }

  it("scalar constants: same values", () => {
    for (const [name, value] of Object.entries(CONSTANTS)) {
      expect(logged.get(name), name).toBe(String(value));
    }
    // Every constant abi.ts declares is one the host defines.
    expect(declaredInAbiTs().constants.sort()).toEqual(Object.keys(CONSTANTS).sort());
  });

  it("denialName matches the host's DenialName", () => {
    for (const [code, name] of Object.entries(codes.DenialName)) expect(logged.get(`denialName.${code}`)).toBe(name);
  });

  it("the SDK's guest exports report ABI v1 and an aligned event buffer", () => {
    expect(host.exports.rf_abi_version()).toBe(ABI_VERSION);
    expect(host.exports.rf_event_buffer() % eventRecord.EVENT_RECORD_ALIGN).toBe(0);
  });
});

describe("assembly/bindings.ts agrees with HOST_CALLS", () => {
  const bindingsSrc = readFileSync(join(sdkDir, "bindings.ts"), "utf8");
  const DECL = /@external\("(\w+)",\s*"(\w+)"\)\s*export declare function (\w+)\(([^)]*)\):\s*(\w+);/g;

  it("contains @external declarations and nothing else", () => {
    const code = stripComments(bindingsSrc);
    expect(code.replace(DECL, "").trim()).toBe("");
  });

  it("declares exactly the HOST_CALLS names, all in namespace 'ringfence'", () => {
    const decls = [...bindingsSrc.matchAll(DECL)];
    expect(decls.every((d) => d[1] === IMPORT_NAMESPACE)).toBe(true);
    expect(decls.map((d) => d[2]).sort()).toEqual(callTable.HOST_CALLS.map((c) => c.name).sort());
  });

  it("compiles to imports with exactly the HOST_CALLS signatures", async () => {
    // Call every binding behind a condition the optimizer cannot decide, so each one is imported.
    const calls = [...bindingsSrc.matchAll(DECL)].map((d) => {
      const arity = d[4].trim() === "" ? 0 : d[4].split(",").length;
      return `    host.${d[3]}(${Array(arity).fill("0").join(", ")});`;
    });
    const source = [
      `import * as host from "ringfence/bindings";`,
      `export * from "ringfence/exports";`,
      `export function rf_stop(): void {`,
      `  if (load<i32>(0) == 0x7fffffff) {`,
      ...calls,
      `  }`,
      `}`,
    ].join("\n");
    const { wasm } = await compileStrategySource(source, "bindings_agreement");
    const imports = readModuleInterface(wasm).imports;
    expect(imports.map((i) => i.name).sort()).toEqual(callTable.HOST_CALLS.map((c) => c.name).sort());
    for (const spec of callTable.HOST_CALLS) {
      const imp = imports.find((i) => i.name === spec.name)!;
      expect(imp.module).toBe(IMPORT_NAMESPACE);
      expect(imp.kind).toBe("function");
      expect(imp.signature, spec.name).toEqual({ params: spec.params, results: spec.results });
    }
  });
});
