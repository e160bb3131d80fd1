import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorLine } from "../text/printable.ts";
import { UsageError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses argv for one command; unknown flags and missing values become a
 * UsageError naming the command and the flag (exit 2).
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const msg = errorLine(e);
    // node:util reads "--seconds -1" as two options and calls it "ambiguous".
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) throw new UsageError(`${command}: ${ambiguous[1]} got a value starting with '-'; write it as ${ambiguous[1]}=VALUE`);
    throw new UsageError(`${command}: ${msg} (see 'ringfence help')`);
  }
  // node:util lets the last of a repeated flag win and takes '' as a value:
  // both would run something other than what was typed.
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    const o = options[t.name];
    if (o?.type !== "string") continue;
    if (t.value === "") throw new UsageError(`${command}: ${t.rawName} needs a value, got ''`);
    if (o.multiple !== true) {
      if (seen.has(t.name)) throw new UsageError(`${command}: ${t.rawName} is given twice; give it once`);
      seen.add(t.name);
    }
  }
  const { values, positionals } = parsed;
  return { values, positionals };
}

/** parseCommandArgs for a command that takes flags only: a stray argument is a UsageError. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  const { values, positionals } = parseCommandArgs(command, argv, options);
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument '${positionals[0].slice(0, 40)}' (see 'ringfence help')`);
  return values;
}

/** A flag that must be a non-negative safe integer. */
export function intFlag(command: string, name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${command}: --${name} must be an integer, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${command}: --${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** Exactly one positional argument, named in the message when missing. */
export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(`${command}: expected exactly one ${what}, got ${positionals.length} (see 'ringfence help')`);
  }
  return positionals[0];
}
