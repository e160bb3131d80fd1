/**
 * One CSV data row → its parsed fields, with every check that does not need
 * the whole file: the time parses (and keeps the file's one time shape and
 * unit), the symbol fits a recording, prices and sizes are plain decimals,
 * sizes are not negative, a side is buy or sell, a quote is not crossed.
 * Both passes of the importer parse rows through this class, so they can
 * never disagree about a row. Each problem throws `FILE:LINE: what`.
 * Allocates (strings, BigInt); import is not a hot path.
 */
import { Side } from "../../abi/codes.ts";
import { SYMBOL_BYTES } from "../../abi/guestRecords.ts";
import { type ColumnMap, type CsvFormat, ROLE_NAMES, type Role } from "./csvColumns.ts";
import { lineError } from "./csvError.ts";
import { isEpochText, parseEpochNs, parseIsoNs, TIME_UNIT_NAMES, type TimeUnit, unitByMagnitude } from "./csvTime.ts";
import { compareDecimals, parseDecimal, type ParsedDecimal } from "./decimalTicks.ts";

const SYMBOL_RE = /^[\x21-\x7e]+$/;

/** How the file writes its times, settled by the first data row (or --time-unit). */
export interface TimeShape {
  kind: "iso" | "epoch";
  unit?: TimeUnit;
  /** True when the unit came from the first row's magnitude, not --time-unit. */
  detected: boolean;
  /** magnitudeClass() of the first epoch value: later values must match it when `detected`. */
  magnitude: number;
  /** Where the shape was settled, and the value that settled it (for the summary). */
  line: number;
  sample: string;
}

/**
 * Parses a time column. The first value fixes the shape: ISO-8601 or epoch,
 * and for epoch without --time-unit the unit its magnitude suggests; a later
 * value of another shape or magnitude is an error (a file mixing them is
 * almost always two columns swapped or two files pasted together).
 */
export class TimeColumn {
  shape: TimeShape | null;
  /** ISO values without a zone, read as UTC. */
  unzoned = 0;

  constructor(private readonly path: string, private readonly unitFlag: TimeUnit | undefined, shape: TimeShape | null = null) {
    this.shape = shape;
  }

  /** `label` names the column in messages (called only for a bad value). */
  parse(text: string, line: number, label: () => string): bigint {
    let shape = this.shape;
    if (shape === null) {
      if (isEpochText(text)) {
        let unit = this.unitFlag;
        if (unit === undefined) {
          const u = unitByMagnitude(text);
          if (u !== "s" && u !== "ms" && u !== "us" && u !== "ns") throw lineError(this.path, line, `${label()} ${u}`);
          unit = u;
        }
        shape = { kind: "epoch", unit, detected: this.unitFlag === undefined, magnitude: magnitudeClass(text), line, sample: text };
      } else {
        shape = { kind: "iso", detected: false, magnitude: 0, line, sample: text };
      }
      this.shape = shape;
    }
    if (shape.kind === "iso") {
      const t = parseIsoNs(text);
      if (typeof t === "string") {
        if (isEpochText(text)) throw lineError(this.path, line, `${label()} '${text}' is an epoch number, but line ${shape.line} has an ISO-8601 time ('${shape.sample}'); a file uses one shape`);
        throw lineError(this.path, line, `${label()} ${t}`);
      }
      if (!t.zoned) this.unzoned++;
      return t.ns;
    }
    if (shape.detected && magnitudeClass(text) !== shape.magnitude && isEpochText(text) && text[0] !== "-") {
      const u = unitByMagnitude(text);
      throw lineError(
        this.path,
        line,
        `${label()} '${text}' looks like epoch ${TIME_UNIT_NAMES[u as TimeUnit] ?? "out of range"}, but line ${shape.line} ('${shape.sample}') looked like epoch ${TIME_UNIT_NAMES[shape.unit!]}; pass --time-unit s|ms|us|ns`,
      );
    }
    const ns = parseEpochNs(text, shape.unit!);
    if (typeof ns === "string") {
      if (typeof parseIsoNs(text) !== "string") {
        throw lineError(this.path, line, `${label()} '${text}' is an ISO-8601 time, but line ${shape.line} has an epoch number ('${shape.sample}'); a file uses one shape`);
      }
      throw lineError(this.path, line, `${label()} ${ns}`);
    }
    return ns;
  }
}

/**
 * Which unitByMagnitude band an epoch text's integer part falls in (0: up to
 * 10 digits, 1: 11–13, 2: 14–16, 3: 17–19, 4: more). A scan, not a regex: it
 * runs for every row.
 */
function magnitudeClass(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) === 0x30) i++;
  let digits = 0;
  while (i + digits < text.length && text.charCodeAt(i + digits) !== 0x2e) digits++;
  return digits <= 10 ? 0 : digits <= 13 ? 1 : digits <= 16 ? 2 : digits <= 19 ? 3 : 4;
}

/** A parsed data row. Price/size fields are null for an empty side of a quote. */
export interface ParsedRow {
  timeNs: bigint;
  symbol: string;
  /** Trades: price, size. Quotes: bid, bid size. */
  price: ParsedDecimal | null;
  qty: ParsedDecimal | null;
  /** Quotes: ask, ask size (null for trades). */
  price2: ParsedDecimal | null;
  qty2: ParsedDecimal | null;
  /** Trades: aggressor Side, 0 when unknown. */
  side: number;
  /** The raw texts, for messages about this row later. */
  priceText: string;
  qtyText: string;
  price2Text: string;
  qty2Text: string;
}

export class RowParser {
  readonly time: TimeColumn;
  readonly row: ParsedRow = {
    timeNs: 0n, symbol: "", price: null, qty: null, price2: null, qty2: null, side: 0,
    priceText: "", qtyText: "", price2Text: "", qty2Text: "",
  };

  constructor(
    readonly path: string,
    readonly format: CsvFormat,
    private readonly columns: ColumnMap,
    private readonly symbolFlag: string | undefined,
    time: TimeColumn,
  ) {
    this.time = time;
  }

  private readonly timeLabel = (): string => this.label("time");

  label(role: Role): string {
    return this.columns.label[role] ?? ROLE_NAMES[role];
  }

  /** Parses `fields` (one data row) into `this.row`; throws `FILE:LINE: …` on a bad field. */
  parse(fields: readonly string[], line: number): ParsedRow {
    const r = this.row;
    const ix = this.columns.index;
    r.timeNs = this.time.parse(fields[ix.time!], line, this.timeLabel);
    r.symbol = this.symbolFlag ?? this.symbolAt(fields[ix.symbol!], line);
    if (this.format === "trades") {
      r.priceText = fields[ix.price!];
      r.qtyText = fields[ix.size!];
      r.price = this.decimal(r.priceText, line, "price");
      r.qty = this.size(r.qtyText, line, "size");
      r.price2 = r.qty2 = null;
      r.price2Text = r.qty2Text = "";
      r.side = ix.side === undefined ? 0 : this.side(fields[ix.side], line);
    } else {
      r.priceText = fields[ix.bid!];
      r.qtyText = fields[ix.bidSize!];
      r.price2Text = fields[ix.ask!];
      r.qty2Text = fields[ix.askSize!];
      this.quoteSide(r.priceText, r.qtyText, line, "bid", "bidSize");
      r.price = this.sidePrice;
      r.qty = this.sideQty;
      this.quoteSide(r.price2Text, r.qty2Text, line, "ask", "askSize");
      r.price2 = this.sidePrice;
      r.qty2 = this.sideQty;
      r.side = 0;
      if (r.price !== null && r.price2 !== null && compareDecimals(r.price, r.price2) > 0) {
        throw lineError(this.path, line, `crossed quote: bid ${r.priceText} is above ask ${r.price2Text}`);
      }
    }
    return r;
  }

  private sidePrice: ParsedDecimal | null = null;
  private sideQty: ParsedDecimal | null = null;

  /** A quote side: price and size both given, or both empty (no such side). */
  private quoteSide(priceText: string, qtyText: string, line: number, price: Role, size: Role): void {
    if (priceText === "" && qtyText === "") {
      this.sidePrice = this.sideQty = null;
      return;
    }
    if (priceText === "" || qtyText === "") {
      const [empty, full] = priceText === "" ? [price, size] : [size, price];
      throw lineError(this.path, line, `${this.label(empty)} is empty but ${this.label(full)} is not (leave both empty for a quote without that side)`);
    }
    this.sidePrice = this.decimal(priceText, line, price);
    this.sideQty = this.size(qtyText, line, size);
  }

  private symbolAt(text: string, line: number): string {
    if (text.length < 1 || text.length > SYMBOL_BYTES || !SYMBOL_RE.test(text)) {
      throw lineError(this.path, line, `${this.label("symbol")} '${text}' must be 1..${SYMBOL_BYTES} printable ASCII characters without spaces`);
    }
    return text;
  }

  private decimal(text: string, line: number, role: Role): ParsedDecimal {
    const d = parseDecimal(text);
    if (typeof d === "string") throw lineError(this.path, line, `${this.label(role)} ${d}`);
    return d;
  }

  private size(text: string, line: number, role: Role): ParsedDecimal {
    const d = this.decimal(text, line, role);
    if (d.negative) throw lineError(this.path, line, `${this.label(role)} '${text}' is negative`);
    return d;
  }

  private side(text: string, line: number): number {
    switch (text.toLowerCase()) {
      case "buy":
      case "b":
        return Side.Buy;
      case "sell":
      case "s":
        return Side.Sell;
      case "":
        return 0;
      default:
        throw lineError(this.path, line, `${this.label("side")} '${text}' is not buy, sell, b, s or empty (unknown)`);
    }
  }
}
