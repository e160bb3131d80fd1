/** Header names and --columns → roles (host/feed/csv/csvColumns.ts). */
import { describe, expect, it } from "vitest";
import { type ColumnMap, type ColumnSpec, type CsvFormat, looksLikeHeader, mapColumns, parseColumnSpec } from "../../../host/feed/csv/csvColumns.ts";

function spec(text: string, format: CsvFormat = "trades"): ColumnSpec {
  const s = parseColumnSpec(text, format);
  if (typeof s === "string") throw new Error(s);
  return s;
}

function map(line: string, format: CsvFormat = "trades", columns: string | null = null, symbolFlag = false): ColumnMap | string {
  return mapColumns(line.split(","), format, columns === null ? null : spec(columns, format), symbolFlag);
}

describe("header detection", () => {
  it("a first line without numbers is a header; a data row always has one", () => {
    expect(looksLikeHeader(["time", "symbol", "price", "size"])).toBe(true);
    expect(looksLikeHeader(["2026-01-05T14:30:00Z", "AAPL", "187.25", "100"])).toBe(false);
    expect(looksLikeHeader(["1767623400", "AAPL", "187", "100"])).toBe(false);
  });
});

describe("mapColumns by header names", () => {
  it("matches common aliases whatever their case and separators, ignoring other columns", () => {
    const m = map("Exchange,TS,Ticker,Px,Qty,Aggressor Side,Conditions") as ColumnMap;
    expect(m.header).toBe(true);
    expect(m.index).toEqual({ time: 1, symbol: 2, price: 3, size: 4, side: 5 });
    expect(m.label.price).toBe("price ('Px')");
    expect(m.label.time).toBe("time ('TS')");
    const q = map("ts_event,symbol,bid_px_00,bid_sz_00,ask_px_00,ask_sz_00", "quotes") as ColumnMap;
    expect(q.index).toEqual({ time: 0, symbol: 1, bid: 2, bidSize: 3, ask: 4, askSize: 5 });
    const q2 = map("Time,Sym,Bid Price,BidSize,Offer,offer-qty", "quotes") as ColumnMap;
    expect(q2.index).toEqual({ time: 0, symbol: 1, bid: 2, bidSize: 3, ask: 4, askSize: 5 });
    expect((map("timestamp,symbol,price,volume") as ColumnMap).index).toEqual({ time: 0, symbol: 1, price: 2, size: 3 });
  });

  it("the optional side may be absent; a required role may not", () => {
    expect((map("time,symbol,price,size") as ColumnMap).index.side).toBeUndefined();
    expect(map("time,symbol,size")).toMatch(/^no price column in the header \(looked for price, px, .*\); name it with --columns price=NAME$/);
    expect(map("time,price,size")).toMatch(/no symbol column .*or give every row one symbol with --symbol NAME/);
    expect(map("time,symbol,price,size", "quotes")).toMatch(/no bid column/);
  });

  it("refuses two columns that both look like one role", () => {
    expect(map("time,symbol,price,px,size")).toBe("columns 'price' and 'px' both look like price; pick one with --columns price=NAME");
    expect((map("time,symbol,price,px,size", "trades", "price=px") as ColumnMap).index.price).toBe(3);
  });

  it("--symbol stands in for a missing symbol column, and only then", () => {
    expect((map("time,price,size", "trades", null, true) as ColumnMap).index).toEqual({ time: 0, price: 1, size: 2 });
    expect(map("time,symbol,price,size", "trades", null, true)).toMatch(/the file has a symbol column \(symbol\); --symbol is only for files without one/);
  });

  it("needs --columns when there is no header", () => {
    expect(map("1,AAPL,1.5,3")).toMatch(/^no header row \(the first line has numbers\); name the columns with --columns time,symbol,price,size,side/);
  });
});

describe("--columns", () => {
  it("ordered: roles (or aliases) in column order, '-' skipping a column, header or not", () => {
    const m = map("1,X,AAPL,1.5,3", "trades", "ts,-,sym,px,qty") as ColumnMap;
    expect(m).toMatchObject({ header: false, index: { time: 0, symbol: 2, price: 3, size: 4 } });
    expect(m.label.price).toBe("price (column 4)");
    const h = map("a,b,c,d", "trades", "time,symbol,price,size") as ColumnMap;
    expect(h).toMatchObject({ header: true, index: { time: 0, symbol: 1, price: 2, size: 3 } });
    expect(map("1,AAPL,1.5", "trades", "time,symbol,price")).toBe("--columns does not name a size column");
    expect(map("1,1.5,3", "trades", "time,price,size", true)).toMatchObject({ index: { time: 0, price: 1, size: 2 } });
    expect(map("1,1.5", "trades", "time,symbol,price,size")).toBe("--columns puts price in column 3, but the line has 2 columns");
  });

  it("named: role=header name (any case) or role=column number; the rest by alias", () => {
    expect((map("When,symbol,Last,size", "trades", "time=when,price=LAST") as ColumnMap).index).toEqual({ time: 0, symbol: 1, price: 2, size: 3 });
    expect((map("1,AAPL,1.5,3", "trades", "time=1,symbol=2,price=3,size=4") as ColumnMap).index).toEqual({ time: 0, symbol: 1, price: 2, size: 3 });
    expect(map("1,AAPL,1.5,3", "trades", "time=1,symbol=2,price=Px,size=4")).toMatch(/no header row/);
    expect(map("When,symbol,Last,size", "trades", "price=Close")).toBe("--columns price=Close: no such column in the header ('When', 'symbol', 'Last', 'size')");
    expect(map("time,symbol,price,size", "trades", "price=2,size=2")).toBe("column 2 would hold both price and size");
    expect(map("time,symbol,price,size", "trades", "price=symbol")).toMatch(/^no symbol column in the header/);
  });

  it("refuses specs that do not fit the format (usage errors)", () => {
    expect(parseColumnSpec("time,symbol,bid", "trades")).toBe("--columns: 'bid' is not a column role of --format trades (roles: time, symbol, price, size, side)");
    expect(parseColumnSpec("time,ts", "trades")).toBe("--columns names time twice");
    expect(parseColumnSpec("time,price=3", "trades")).toMatch(/either roles in column order .* or role=column pairs/);
    expect(parseColumnSpec("price=", "trades")).toBe("--columns: price= needs a column name or number");
    expect(parseColumnSpec("price=0", "trades")).toBe("--columns: price=0: column numbers start at 1");
    expect(spec("time,symbol,bid,bid_qty,offer,ask_sz", "quotes")).toEqual({ kind: "ordered", roles: ["time", "symbol", "bid", "bidSize", "ask", "askSize"] });
  });
});
