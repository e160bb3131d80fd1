/**
 * Text from outside the host made safe to print as one line of a terminal,
 * a log or an error message. Strategy labels, module and import names,
 * compiler diagnostics, file names and error messages from guests or
 * libraries may hold any character: here a newline cannot forge a second
 * line and a control, bidi or zero-width character cannot reach a terminal
 * (ESC[2J clears it, U+202E reverses what follows, a C1 CSI is ESC[ on
 * some terminals). What is escaped is written \n \r \t, \xNN, \uXXXX or
 * \u{XXXXX}, so the reader sees which bytes were there.
 *
 * Two rules, chosen by what the text is:
 *   prose   printable, firstLine, foldLines, errorLine: printable Unicode
 *           passes ("±2^53", a file name in any script); what a terminal
 *           could act on or hide is escaped.
 *   names   printableAscii, quoted, printableJson: only printable ASCII
 *           passes, for names an untrusted party chose (imports, exports,
 *           chain labels) and messages built from them, so a look-alike
 *           letter (Cyrillic "а" for "a") cannot pass for the name it
 *           imitates.
 * Caps count the characters written, escapes included; a cut text ends
 * in "..." and is never cut inside an escape or a surrogate pair.
 *
 * Allocates freely; none of this is on a hot path.
 */

/** The default cap of firstLine, foldLines and errorLine. */
export const MAX_LINE_CHARS = 300;

const ELLIPSIS = "...";

/**
 * What a terminal could act on or hide: C0/C1 controls and DEL, format
 * characters (bidi overrides, zero-width), line and paragraph separators,
 * lone surrogates, private-use and unassigned code points.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const NAMED_QUOTED: Readonly<Record<"'" | '"', Readonly<Record<string, string>>>> = {
  "'": { ...NAMED, "\\": "\\\\", "'": "\\'" },
  '"': { ...NAMED, "\\": "\\\\", '"': '\\"' },
};

const keepPrintable = (ch: string): boolean => !UNPRINTABLE.test(ch);
const keepAscii = (ch: string): boolean => PRINTABLE_ASCII.test(ch);

/** Prose on one line: controls, bidi and zero-width characters, separators and lone surrogates escaped; printable Unicode as it is. */
export function printable(text: string, maxChars = Infinity): string {
  return withEllipsis(escapedPrefix(text, keepPrintable, NAMED, maxChars));
}

/** Everything outside printable ASCII (0x20..0x7e) escaped: for names chosen by an untrusted party and messages built from them. */
export function printableAscii(text: string, maxChars = Infinity): string {
  return withEllipsis(escapedPrefix(text, keepAscii, NAMED, maxChars));
}

/**
 * `text` between quotes, printable ASCII only, with \ and the quote escaped
 * so the quoted text reads back unambiguously: quoted("a'b\x1b") is
 * 'a\'b\x1b'. A cut text ends in "..." after the closing quote.
 */
export function quoted(text: string, quote: "'" | '"' = "'", maxChars = Infinity): string {
  const inner = escapedPrefix(text, keepAscii, NAMED_QUOTED[quote], maxChars - 2);
  return `${quote}${inner.text}${quote}${inner.cut ? ELLIPSIS : ""}`;
}

/**
 * The first line that has text (leading blank lines skipped, the line's
 * outer whitespace trimmed), made printable and capped: for an error
 * message, whose first line says what went wrong and whose rest is detail
 * (a stack, a source excerpt).
 */
export function firstLine(text: string, maxChars = MAX_LINE_CHARS): string {
  return printable(rawFirstLine(text), maxChars);
}

function rawFirstLine(text: string): string {
  const start = text.trimStart();
  const end = start.search(/[\r\n]/);
  return (end < 0 ? start : start.slice(0, end)).trimEnd();
}

/**
 * Every line, trimmed, joined by one space (blank lines dropped), made
 * printable and capped: for a diagnostic whose later lines still say what
 * is wrong.
 */
export function foldLines(text: string, maxChars = MAX_LINE_CHARS): string {
  // Split, not /\s*\n\s*/: that pattern backtracks quadratically over a long run of spaces.
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const t = line.trim();
    if (t !== "") lines.push(t);
  }
  return printable(lines.join(" "), maxChars);
}

/**
 * firstLine of whatever was thrown: an Error's message, a `message` field
 * of another object, or the value itself as text. Never throws (it runs in
 * catch blocks): a value that cannot be turned into text is named by its
 * type. An empty message is "(no message)".
 */
export function errorLine(thrown: unknown, maxChars = MAX_LINE_CHARS): string {
  const line = firstLine(thrownText(thrown), maxChars);
  return line === "" ? "(no message)" : line;
}

/**
 * errorLine by the names rule (printable ASCII only): for text that enters
 * an audit chain (a fault's message), whose bytes must not depend on the
 * Unicode tables of the Node that wrote them.
 */
export function errorLineAscii(thrown: unknown, maxChars = MAX_LINE_CHARS): string {
  const line = printableAscii(rawFirstLine(thrownText(thrown)), maxChars);
  return line === "" ? "(no message)" : line;
}

/**
 * JSON.stringify(value) with every character outside printable ASCII
 * written as \uXXXX: the same JSON value, safe on a terminal (JSON.stringify
 * leaves DEL, C1 controls, bidi overrides and line separators raw). The
 * output is one line; `undefined` and functions, which JSON has no text
 * for, are "null".
 */
export function printableJson(value: unknown): string {
  // Outside strings JSON.stringify writes only ASCII, so every match is inside a string.
  return (JSON.stringify(value) ?? "null").replace(/[^\x20-\x7e]/g, (c) => `\\u${hex4(c.charCodeAt(0))}`);
}

function thrownText(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return String(thrown.message);
    const message = (thrown as { message?: unknown } | null | undefined)?.message;
    return String(message ?? thrown);
  } catch {
    // An object with a throwing toString or message getter, or one with no prototype.
    return `a thrown ${typeof thrown} that cannot be shown as text`;
  }
}

/**
 * `text` one code point at a time: kept, named, or escaped. When the
 * result would be longer than `maxChars`, the part that leaves room for
 * the ellipsis, and `cut`; the rest of the text is never read, so a huge
 * text costs no more than its first maxChars characters.
 */
function escapedPrefix(
  text: string, keep: (ch: string) => boolean, named: Readonly<Record<string, string>>, maxChars: number,
): { text: string; cut: boolean } {
  if (!(maxChars > ELLIPSIS.length)) throw new RangeError(`maxChars=${maxChars} leaves no room for text and "${ELLIPSIS}"`);
  let out = "";
  let fits = 0; // out.length at the last code point boundary that leaves room for the ellipsis
  for (const ch of text) {
    const piece = named[ch] ?? (keep(ch) ? ch : escapeCodePoint(ch.codePointAt(0)!));
    if (out.length + piece.length > maxChars) return { text: out.slice(0, fits), cut: true };
    out += piece;
    if (out.length <= maxChars - ELLIPSIS.length) fits = out.length;
  }
  return { text: out, cut: false };
}

function withEllipsis(r: { text: string; cut: boolean }): string {
  return r.cut ? r.text + ELLIPSIS : r.text;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  return cp < 0x10000 ? `\\u${hex4(cp)}` : `\\u{${cp.toString(16)}}`;
}

function hex4(unit: number): string {
  return unit.toString(16).padStart(4, "0");
}
