/**
 * host/text/printable.ts: tables of inputs and the lines they become, then
 * seeded properties over any code points (lone surrogates included): no
 * output carries a character a terminal could act on, caps hold without
 * cutting an escape or a surrogate pair, and quoted text reads back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  errorLineAscii,
  errorLine, firstLine, foldLines, MAX_LINE_CHARS, printable, printableAscii, printableJson, quoted,
} from "../../../host/text/printable.ts";
import { testSeed } from "../../support/seed.ts";

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe("printable", () => {
  it.each([
    ["", ""],
    ["plain ±2^53 — café 😀", "plain ±2^53 — café 😀"],
    ["back\\slash 'q' \"dq\"", "back\\slash 'q' \"dq\""],
    ["a\nb", "a\\nb"],
    ["a\r\nb\tc", "a\\r\\nb\\tc"],
    ["\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07"],
    ["\x00\x08\x0b\x0c\x7f", "\\x00\\x08\\x0b\\x0c\\x7f"],
    ["\u0085\u009b2J", "\\x85\\x9b2J"], // C1: NEL and CSI
    ["\u202eevil\u202c", "\\u202eevil\\u202c"], // bidi override
    ["zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"],
    ["\u2028\u2029", "\\u2028\\u2029"],
    ["lone \ud800 and \udfff", "lone \\ud800 and \\udfff"],
    ["\ue000\u{f0000}", "\\ue000\\u{f0000}"], // private use
    ["tag\u{e0041}", "tag\\u{e0041}"], // tag characters are format characters
  ])("%j -> %j", (input, output) => {
    expect(printable(input)).toBe(output);
  });

  it("caps at maxChars, ellipsis included, and never cuts inside an escape or a surrogate pair", () => {
    expect(printable("x".repeat(10), 10)).toBe("x".repeat(10));
    expect(printable("x".repeat(11), 10)).toBe("xxxxxxx...");
    expect(printable("xxxxxx\x1by", 10)).toBe("xxxxxx...");
    expect(printable("xxxxxx\x1b", 10)).toBe("xxxxxx\\x1b");
    expect(printable("xxxxxx😀😀", 10)).toBe("xxxxxx😀😀");
    expect(printable("xxxxxx😀😀y", 10)).toBe("xxxxxx...");
    expect(printable("xxxxx😀😀yz", 10)).toBe("xxxxx😀...");
  });

  it("refuses a cap with no room for text", () => {
    expect(() => printable("x", 3)).toThrow(/maxChars=3/);
  });
});

describe("printableAscii", () => {
  it.each([
    ["", ""],
    ["env.log_msg $x ~", "env.log_msg $x ~"],
    ["café", "caf\\xe9"],
    ["\u0430bc", "\\u0430bc"], // Cyrillic а: a look-alike must not pass for "abc"
    ["±≤", "\\xb1\\u2264"],
    ["😀", "\\u{1f600}"],
    ["\ud83d", "\\ud83d"],
    ["env\n\x1b[2J", "env\\n\\x1b[2J"],
  ])("%j -> %j", (input, output) => {
    expect(printableAscii(input)).toBe(output);
  });
});

describe("quoted", () => {
  it.each<[string, "'" | '"', string]>([
    ["", "'", "''"],
    ["strategy:abc", "'", "'strategy:abc'"],
    ["it's", "'", "'it\\'s'"],
    ['say "hi"', "'", "'say \"hi\"'"],
    ['say "hi"', '"', '"say \\"hi\\""'],
    ["a\\x41", "'", "'a\\\\x41'"],
    ["env\n", '"', '"env\\n"'],
    ["t\x1b[2J", '"', '"t\\x1b[2J"'],
    ["strategy:\u0430bc\u202e", "'", "'strategy:\\u0430bc\\u202e'"],
  ])("%j in %s -> %j", (input, quote, output) => {
    expect(quoted(input, quote)).toBe(output);
  });

  it("cuts after the closing quote, so the quoted part is still the text's own", () => {
    expect(quoted("a".repeat(100), "'", 20)).toBe(`'${"a".repeat(15)}'...`);
    expect(quoted("a".repeat(18), "'", 20)).toBe(`'${"a".repeat(18)}'`);
    expect(quoted("abc...", "'", 20)).toBe("'abc...'");
  });
});

describe("firstLine", () => {
  it.each([
    ["", ""],
    ["one", "one"],
    ["one\ntwo", "one"],
    ["one  \r\ntwo", "one"],
    ["cr only\rrest", "cr only"],
    ["\n\n  first with text\nsecond", "first with text"],
    ["  \t \n", ""],
    ["\x1b[31mred\x1b[0m\nnext", "\\x1b[31mred\\x1b[0m"],
    ["sep\u2028is not a line break here", "sep\\u2028is not a line break here"],
    ["naïve → ok", "naïve → ok"],
  ])("%j -> %j", (input, output) => {
    expect(firstLine(input)).toBe(output);
  });

  it(`caps at ${MAX_LINE_CHARS} characters unless told otherwise`, () => {
    expect(firstLine("x".repeat(MAX_LINE_CHARS))).toBe("x".repeat(MAX_LINE_CHARS));
    expect(firstLine("x".repeat(1_000_000))).toBe(`${"x".repeat(MAX_LINE_CHARS - 3)}...`);
    expect(firstLine("x".repeat(100), 64)).toHaveLength(64);
    expect(firstLine("\x1b".repeat(1000))).toBe(`${"\\x1b".repeat(74)}...`);
  });
});

describe("foldLines", () => {
  it.each([
    ["", ""],
    ["   ", ""],
    ["one line", "one line"],
    ["Type 'x'\n  is not assignable\r\n\n  to 'y'  ", "Type 'x' is not assignable to 'y'"],
    ["a\rb", "a b"],
    ["a\x1bb\nc\td", "a\\x1bb c\\td"],
  ])("%j -> %j", (input, output) => {
    expect(foldLines(input)).toBe(output);
  });

  it("folds a long run of spaces around one word (the /\\s*\\n\\s*/ it replaces was quadratic on it)", () => {
    expect(foldLines(`${" ".repeat(200_000)}x${" ".repeat(200_000)}\n`)).toBe("x");
  });

  it("caps the folded line", () => {
    expect(foldLines("word\n".repeat(1000), 40)).toBe(`${"word ".repeat(7)}wo...`);
  });
});

describe("errorLineAscii", () => {
  it("is errorLine by the names rule: first line, everything outside printable ASCII escaped, capped", () => {
    expect(errorLineAscii(new Error("caf\u00e9 \u202e\x1b[2J\nstack"))).toBe("caf\\xe9 \\u202e\\x1b[2J");
    expect(errorLineAscii({ message: "  plain  \n more" })).toBe("plain");
    expect(errorLineAscii(new Error(""))).toBe("(no message)");
    expect(errorLineAscii(new Error("x".repeat(500)), 20)).toBe(`${"x".repeat(17)}...`);
  });
});

describe("errorLine", () => {
  const unprintableObject = { toString(): string { throw new Error("no"); } };
  const throwingMessage = { get message(): string { throw new Error("no"); } };
  it.each<[string, unknown, string]>([
    ["an Error: its message's first line", new Error("boom\n    at f (x.ts:1:1)"), "boom"],
    ["a TypeError", new TypeError("x is not a function"), "x is not a function"],
    ["an Error with no message", new RangeError(""), "(no message)"],
    ["an Error carrying escapes", new Error("\x1b]0;pwned\x07 title"), "\\x1b]0;pwned\\x07 title"],
    ["a string", "a string\nsecond", "a string"],
    ["an empty string", "", "(no message)"],
    ["a number", 42, "42"],
    ["a bigint", 10n, "10"],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
    ["a symbol", Symbol("s"), "Symbol(s)"],
    ["an object with a message (an error from another realm or a worker)", { message: "from a worker\nmore" }, "from a worker"],
    ["an object with a non-string message", { message: 7 }, "7"],
    ["a plain object", { code: 1 }, "[object Object]"],
    ["an object without a prototype", Object.create(null), "a thrown object that cannot be shown as text"],
    ["an object whose toString throws", unprintableObject, "a thrown object that cannot be shown as text"],
    ["an object whose message getter throws", throwingMessage, "a thrown object that cannot be shown as text"],
  ])("%s", (_what, thrown, output) => {
    expect(errorLine(thrown)).toBe(output);
  });

  it("caps a long message", () => {
    expect(errorLine(new Error("e".repeat(10_000)))).toHaveLength(MAX_LINE_CHARS);
    expect(errorLine(new Error("e".repeat(10_000)), 80)).toBe(`${"e".repeat(77)}...`);
  });
});

describe("printableJson", () => {
  it("writes everything outside printable ASCII as \\uXXXX: the same JSON value", () => {
    const value = { label: "a\u202eb\x7f\u009b\n\u2028é😀\ud800", n: 1, list: [null, true] };
    const text = printableJson(value);
    expect(text).toBe('{"label":"a\\u202eb\\u007f\\u009b\\n\\u2028\\u00e9\\ud83d\\ude00\\ud800","n":1,"list":[null,true]}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it("is \"null\" for what JSON has no text for", () => {
    expect(printableJson(undefined)).toBe("null");
  });
});

/** Reads quoted()'s output back: the escapes it writes are the only ones there. */
function unquote(text: string, quote: string): string {
  expect(text.startsWith(quote) && text.endsWith(quote)).toBe(true);
  const body = text.slice(1, -1);
  return body.replace(/\\(?:x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4})|(.))/g, (_m, x, astral, u, c) => {
    if (x !== undefined) return String.fromCharCode(parseInt(x, 16));
    if (astral !== undefined) return String.fromCodePoint(parseInt(astral, 16));
    if (u !== undefined) return String.fromCharCode(parseInt(u, 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c] ?? c;
  });
}

describe("printable properties", () => {
  // Any code point, lone surrogates, and the characters the rules single out.
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)),
    fc.constantFrom("\n", "\r", "\t", "\x1b", "\\", "'", '"', "\u009b", "\u202e", "\u2028", " ", "a", "é", "😀", "..."),
  );
  const text = fc.string({ unit, maxLength: 80 });

  it("no output carries a character a terminal could act on, nor a line break", () => {
    const seed = testSeed("printable.noUnprintable");
    fc.assert(
      fc.property(text, (s) => {
        expect(printable(s)).not.toMatch(UNPRINTABLE);
        for (const line of [firstLine(s), foldLines(s), errorLine(new Error(s))]) {
          expect(line).not.toMatch(UNPRINTABLE);
          expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
        }
        expect(printableAscii(s)).toMatch(PRINTABLE_ASCII);
        expect(quoted(s)).toMatch(PRINTABLE_ASCII);
        expect(printableJson({ s })).toMatch(PRINTABLE_ASCII);
      }),
      { seed, numRuns: 2_000 },
    );
  });

  it("a cut line is the whole line's first pieces (one per code point: never half an escape or a pair) plus \"...\"", () => {
    const seed = testSeed("printable.cap");
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 60 }), (s, max) => {
        for (const f of [printable, printableAscii]) {
          const whole = f(s);
          const cut = f(s, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          if (whole.length <= max) expect(cut).toBe(whole);
          else {
            expect(cut.endsWith("...")).toBe(true);
            const pieces = [...s].map((ch) => f(ch));
            let prefix = "";
            for (let n = 0; prefix.length < cut.length - 3; n++) prefix += pieces[n];
            expect(prefix).toBe(cut.slice(0, -3));
          }
        }
      }),
      { seed, numRuns: 2_000 },
    );
  });

  it("quoted text reads back to the original, in either quote", () => {
    const seed = testSeed("printable.quotedRoundTrip");
    fc.assert(
      fc.property(text, fc.constantFrom<"'" | '"'>("'", '"'), (s, quote) => {
        expect(unquote(quoted(s, quote), quote)).toBe(s);
      }),
      { seed, numRuns: 2_000 },
    );
  });
});
