/**
 * Custom sections before the rewrite. Admission reads custom sections as
 * opaque bytes (they are informational), but binaryen parses some of them
 * itself — branch hints, dylink, code annotations — and refuses the whole
 * module when their contents are malformed, so an admitted module could
 * fail to meter with "error in parsing wasm binary". None of them changes
 * what the code does, and the metered module is the one that runs (and is
 * emitted without custom sections anyway), so all of them, "name" too
 * (binaryen refuses some malformed name sections as well), are dropped
 * before binaryen reads the module.
 */
import { ByteReader, ReadFailure } from "../admission/byteReader.ts";

const WASM_HEADER_BYTES = 8;
const CUSTOM_SECTION_ID = 0;

/**
 * The module without its custom sections; the same array
 * when there is nothing to drop. Expects section framing that admission
 * already checked: bytes it cannot frame are returned unchanged, for
 * binaryen to refuse with its own message.
 */
export function withoutCustomSections(bytes: Uint8Array): Uint8Array {
  const keep: Array<[number, number]> = [];
  const top = new ByteReader(bytes, WASM_HEADER_BYTES, bytes.length, ReadFailure.Truncated);
  let dropped = false;
  let keptFrom = 0;
  while (top.pos < top.end) {
    const at = top.pos;
    const id = top.u8();
    const size = top.u32();
    if (top.failed || size > top.end - top.pos) return bytes;
    top.skip(size);
    if (id !== CUSTOM_SECTION_ID) continue;
    keep.push([keptFrom, at]);
    keptFrom = top.pos;
    dropped = true;
  }
  if (!dropped) return bytes;
  keep.push([keptFrom, bytes.length]);
  let total = 0;
  for (const [from, to] of keep) total += to - from;
  const out = new Uint8Array(total);
  let o = 0;
  for (const [from, to] of keep) {
    out.set(bytes.subarray(from, to), o);
    o += to - from;
  }
  return out;
}
