/**
 * Which CSV column holds what. Each format has roles (trades: time, symbol,
 * price, size and an optional side; quotes: time, symbol, bid, bid_size,
 * ask, ask_size). A header row is matched to roles by name through a table
 * of common aliases (case, spaces, '_', '-' and '.' ignored: "Bid Size",
 * "bid_size" and "BidSize" are one name); `--columns` overrides it, either
 * as roles in column order ("time,symbol,-,price,size", '-' skips a column)
 * or as role=column pairs ("price=Last,size=3", names or 1-based numbers).
 */
import { parseDecimal } from "./decimalTicks.ts";

export type CsvFormat = "trades" | "quotes";
export const CSV_FORMATS: readonly CsvFormat[] = ["trades", "quotes"];

export type Role = "time" | "symbol" | "price" | "size" | "side" | "bid" | "bidSize" | "ask" | "askSize";

/** Roles of each format, in the order a header-less file usually has them. */
export const FORMAT_ROLES: Readonly<Record<CsvFormat, readonly Role[]>> = {
  trades: ["time", "symbol", "price", "size", "side"],
  quotes: ["time", "symbol", "bid", "bidSize", "ask", "askSize"],
};

const OPTIONAL_ROLES: ReadonlySet<Role> = new Set<Role>(["side"]);

/** How messages and --columns name a role. */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  time: "time",
  symbol: "symbol",
  price: "price",
  size: "size",
  side: "side",
  bid: "bid",
  bidSize: "bid_size",
  ask: "ask",
  askSize: "ask_size",
};

/** Header names recognised for each role (compared after normalizeName). */
export const ROLE_ALIASES: Readonly<Record<Role, readonly string[]>> = {
  time: ["time", "ts", "timestamp", "datetime", "date_time", "time_stamp", "ts_event", "exchange_time", "time_exchange", "sip_timestamp", "trade_time", "quote_time"],
  symbol: ["symbol", "sym", "ticker", "instrument", "raw_symbol", "pair", "ric"],
  price: ["price", "px", "trade_price", "trade_px", "last", "last_price"],
  size: ["size", "qty", "quantity", "volume", "vol", "amount", "trade_size", "trade_qty", "shares", "lots", "sz"],
  side: ["side", "aggressor", "aggressor_side", "taker_side", "buy_sell"],
  bid: ["bid", "bid_price", "bid_px", "best_bid", "bid_px_00"],
  bidSize: ["bid_size", "bid_qty", "bid_sz", "bid_volume", "bid_amount", "best_bid_size", "bid_sz_00"],
  ask: ["ask", "ask_price", "ask_px", "offer", "offer_price", "best_ask", "ask_px_00"],
  askSize: ["ask_size", "ask_qty", "ask_sz", "ask_volume", "ask_amount", "offer_size", "offer_qty", "best_ask_size", "ask_sz_00"],
};

/** Lowercase, without spaces, '_', '-' or '.'. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]/g, "");
}

function roleByAlias(format: CsvFormat, name: string): Role | null {
  const n = normalizeName(name);
  for (const role of FORMAT_ROLES[format]) if (ROLE_ALIASES[role].some((a) => normalizeName(a) === n)) return role;
  return null;
}

/** --columns, parsed: roles in column order (null skips a column), or role → column name/number. */
export type ColumnSpec =
  | { readonly kind: "ordered"; readonly roles: readonly (Role | null)[] }
  | { readonly kind: "named"; readonly entries: readonly { role: Role; name?: string; position?: number }[] };

/** Parses a --columns value; a problem string (a usage error) when it does not fit `format`. */
export function parseColumnSpec(spec: string, format: CsvFormat): ColumnSpec | string {
  const parts = spec.split(",").map((p) => p.trim());
  const named = parts.filter((p) => p.includes("="));
  if (named.length > 0 && named.length !== parts.length) {
    return `--columns takes either roles in column order (time,symbol,price,size) or role=column pairs (price=Last,size=3), not both`;
  }
  const known = FORMAT_ROLES[format].map((r) => ROLE_NAMES[r]).join(", ");
  const seen = new Set<Role>();
  const resolve = (text: string): Role | string => {
    const role = roleByAlias(format, text);
    if (role === null) return `--columns: '${text}' is not a column role of --format ${format} (roles: ${known})`;
    if (seen.has(role)) return `--columns names ${ROLE_NAMES[role]} twice`;
    seen.add(role);
    return role;
  };
  if (named.length === 0) {
    const roles: (Role | null)[] = [];
    for (const p of parts) {
      if (p === "" || p === "-" || p === "_") {
        roles.push(null);
        continue;
      }
      const role = resolve(p);
      if (!isRole(role)) return role;
      roles.push(role);
    }
    return { kind: "ordered", roles };
  }
  const entries: { role: Role; name?: string; position?: number }[] = [];
  for (const p of parts) {
    const eq = p.indexOf("=");
    const role = resolve(p.slice(0, eq).trim());
    if (!isRole(role)) return role;
    const column = p.slice(eq + 1).trim();
    if (column === "") return `--columns: ${ROLE_NAMES[role]}= needs a column name or number`;
    if (/^\d+$/.test(column)) {
      const position = Number(column);
      if (position < 1 || position > 10_000) return `--columns: ${ROLE_NAMES[role]}=${column}: column numbers start at 1`;
      entries.push({ role, position: position - 1 });
    } else {
      entries.push({ role, name: column });
    }
  }
  return { kind: "named", entries };
}

function isRole(x: Role | string): x is Role {
  return (ROLE_NAMES as Record<string, string>)[x] !== undefined;
}

/**
 * A first line is a header when none of its fields is a number: every data
 * row of either format has a numeric price or size.
 */
export function looksLikeHeader(fields: readonly string[]): boolean {
  return fields.every((f) => typeof parseDecimal(f) === "string");
}

export interface ColumnMap {
  /** The first line is a header row (skipped as data). */
  readonly header: boolean;
  /** Column index of each role the file has. */
  readonly index: Readonly<Partial<Record<Role, number>>>;
  /** How messages name each role's column: `price ('Last')` or `price (column 3)`. */
  readonly label: Readonly<Partial<Record<Role, string>>>;
}

/**
 * Maps the roles of `format` to columns, from the first line's `fields`
 * and --columns. `symbolFlag` says --symbol stands in for a symbol column.
 * Returns a problem string about the first line (the caller adds FILE:LINE).
 */
export function mapColumns(fields: readonly string[], format: CsvFormat, spec: ColumnSpec | null, symbolFlag: boolean): ColumnMap | string {
  const header = looksLikeHeader(fields);
  const index: Partial<Record<Role, number>> = {};
  const label: Partial<Record<Role, string>> = {};
  const used = new Map<number, Role>();
  const assign = (role: Role, at: number): string | null => {
    if (at >= fields.length) return `--columns puts ${ROLE_NAMES[role]} in column ${at + 1}, but the line has ${fields.length} columns`;
    const other = used.get(at);
    if (other !== undefined) return `column ${at + 1} would hold both ${ROLE_NAMES[other]} and ${ROLE_NAMES[role]}`;
    used.set(at, role);
    index[role] = at;
    const name = ROLE_NAMES[role];
    label[role] = !header ? `${name} (column ${at + 1})` : normalizeName(fields[at]) === normalizeName(name) ? name : `${name} ('${fields[at]}')`;
    return null;
  };

  if (spec?.kind === "ordered") {
    for (let c = 0; c < spec.roles.length; c++) {
      const role = spec.roles[c];
      if (role === null) continue;
      const p = assign(role, c);
      if (p !== null) return p;
    }
  } else {
    if (!header && (spec === null || spec.entries.some((e) => e.name !== undefined))) {
      const order = FORMAT_ROLES[format].map((r) => ROLE_NAMES[r]).join(",");
      return `no header row (the first line has numbers); name the columns with --columns ${order} (in the file's column order, '-' to skip one) or role=N pairs`;
    }
    for (const e of spec?.entries ?? []) {
      let at = e.position;
      if (at === undefined) {
        const wanted = e.name!.toLowerCase();
        let found = fields.findIndex((f) => f.toLowerCase() === wanted);
        if (found < 0) found = fields.findIndex((f) => normalizeName(f) === normalizeName(wanted));
        if (found < 0) return `--columns ${ROLE_NAMES[e.role]}=${e.name}: no such column in the header (${fields.map((f) => `'${f}'`).join(", ")})`;
        at = found;
      }
      const p = assign(e.role, at);
      if (p !== null) return p;
    }
    if (header) {
      for (const role of FORMAT_ROLES[format]) {
        if (index[role] !== undefined) continue;
        const matches: number[] = [];
        for (let c = 0; c < fields.length; c++) if (!used.has(c) && roleByAlias(format, fields[c]) === role) matches.push(c);
        if (matches.length > 1) {
          return `columns ${matches.map((c) => `'${fields[c]}'`).join(" and ")} both look like ${ROLE_NAMES[role]}; pick one with --columns ${ROLE_NAMES[role]}=NAME`;
        }
        if (matches.length === 1) {
          const p = assign(role, matches[0]);
          if (p !== null) return p;
        }
      }
    }
  }

  if (symbolFlag && index.symbol !== undefined) {
    return `the file has a symbol column (${label.symbol}); --symbol is only for files without one`;
  }
  for (const role of FORMAT_ROLES[format]) {
    if (index[role] !== undefined || OPTIONAL_ROLES.has(role) || (role === "symbol" && symbolFlag)) continue;
    const name = ROLE_NAMES[role];
    const hint = role === "symbol" ? ", or give every row one symbol with --symbol NAME" : "";
    if (spec?.kind === "ordered") return `--columns does not name a ${name} column${hint}`;
    const where = header ? `no ${name} column in the header (looked for ${ROLE_ALIASES[role].join(", ")})` : `--columns does not name a ${name} column`;
    return `${where}; name it with --columns ${name}=NAME${hint}`;
  }
  return { header, index, label };
}
