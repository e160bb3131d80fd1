/** One CSV line → fields (host/feed/csv/csvLine.ts). */
import { describe, expect, it } from "vitest";
import { splitCsvLine } from "../../../host/feed/csv/csvLine.ts";

function split(line: string, delimiter = ","): string[] | string {
  const out: string[] = [];
  const problem = splitCsvLine(line, delimiter, out);
  return problem ?? out;
}

describe("splitCsvLine", () => {
  it("splits and trims plain fields, keeping empty ones", () => {
    expect(split("a,b,c")).toEqual(["a", "b", "c"]);
    expect(split(" a , b\t,c ")).toEqual(["a", "b", "c"]);
    expect(split("a,,c")).toEqual(["a", "", "c"]);
    expect(split("a,b,")).toEqual(["a", "b", ""]);
    expect(split(",")).toEqual(["", ""]);
    expect(split("")).toEqual([""]);
  });

  it("reads RFC 4180 quotes: delimiters and doubled quotes inside, spaces kept", () => {
    expect(split('"a,b",c')).toEqual(["a,b", "c"]);
    expect(split('x,"say ""hi""" ,y')).toEqual(["x", 'say "hi"', "y"]);
    expect(split('" padded ",2')).toEqual([" padded ", "2"]);
    expect(split('"",1')).toEqual(["", "1"]);
    expect(split('a,"b"')).toEqual(["a", "b"]);
  });

  it("names a broken quote by field number", () => {
    expect(split('a,"b,c')).toBe("field 2 has an opening quote but no closing quote (quoted fields cannot span lines)");
    expect(split('"a"b,c')).toBe("field 1 has text after its closing quote");
  });

  it("takes other delimiters; with tab, tabs are not trimmed as blanks", () => {
    expect(split("a;b; c", ";")).toEqual(["a", "b", "c"]);
    expect(split("a\t\tc", "\t")).toEqual(["a", "", "c"]);
    expect(split(" a \t b ", "\t")).toEqual(["a", "b"]);
    expect(split("a|b", "|")).toEqual(["a", "b"]);
  });
});
