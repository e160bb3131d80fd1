/**
 * One CSV line → its fields (RFC 4180 quoting within a line). Fields are
 * trimmed of spaces (and tabs, unless tab is the delimiter); a quoted field
 * keeps its inner spaces and "" stands for one quote. A quoted field cannot
 * span lines: market data never needs it, and a line-at-a-time reader stays
 * simple and streaming. Allocates the field strings.
 */

/**
 * Splits `line` into `out` (cleared first). Returns null, or a problem
 * string for an unterminated quote or text after a closing quote.
 */
export function splitCsvLine(line: string, delimiter: string, out: string[]): string | null {
  out.length = 0;
  const trimTabs = delimiter !== "\t";
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isBlank(line.charCodeAt(i), trimTabs) && line[i] !== delimiter) i++;
    if (i < n && line[i] === '"') {
      let field = "";
      let from = ++i;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return `field ${out.length + 1} has an opening quote but no closing quote (quoted fields cannot span lines)`;
        if (line[q + 1] === '"') {
          field += line.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        field += line.slice(from, q);
        i = q + 1;
        break;
      }
      while (i < n && isBlank(line.charCodeAt(i), trimTabs) && line[i] !== delimiter) i++;
      if (i < n && line[i] !== delimiter) return `field ${out.length + 1} has text after its closing quote`;
      out.push(field);
    } else {
      const d = line.indexOf(delimiter, i);
      const end = d < 0 ? n : d;
      let e = end;
      while (e > i && isBlank(line.charCodeAt(e - 1), trimTabs)) e--;
      out.push(line.slice(i, e));
      i = end;
    }
    if (i >= n) return null;
    i += delimiter.length; // past the delimiter; a trailing delimiter makes one more (empty) field
    if (i === n) {
      out.push("");
      return null;
    }
  }
}

function isBlank(code: number, tabs: boolean): boolean {
  return code === 0x20 || (tabs && code === 0x09);
}
