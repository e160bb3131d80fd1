/**
 * HTML escaping for reports. Every string that comes from a report (module
 * labels, fault messages, symbols, hashes) goes through escapeHtml before it
 * reaches the page, in text and in attribute values alike: a label is a
 * path the user typed and a symbol comes from a CSV file, so they may hold
 * any character. Numbers go through intText, which only ever yields digits.
 */

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A safe integer as decimal digits; anything else (a report field of the wrong type) as "?". */
export function intText(value: unknown): string {
  return typeof value === "number" && Number.isSafeInteger(value) ? String(value) : "?";
}
