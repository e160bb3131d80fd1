/**
 * Lowers the declared maximum of the module's one memory to the sandbox cap,
 * by rewriting the memory section of the emitted binary. (binaryen.js can
 * only change a memory through setMemory, which also drops and re-creates
 * every data segment; patching the ten-odd bytes of the section is smaller
 * and cannot disturb anything else.)
 *
 * Memory section (id 5):  vec(limits)
 *   limits = 0x00 min:u32        (no maximum)
 *          | 0x01 min:u32 max:u32
 * Shared (0x02/0x03) and 64-bit (0x04..) memories are outside the admission
 * feature set and rejected here.
 */
export class MemoryCapError extends Error {}

const MEMORY_SECTION_ID = 5;
const WASM_HEADER_BYTES = 8;
/** The wasm32 page limit (4 GiB). */
export const WASM32_MAX_PAGES = 65536;

function readU32(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new MemoryCapError("truncated LEB128 in module");
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 28) throw new MemoryCapError("LEB128 u32 too long in module");
  }
}

function writeU32(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? b : b | 0x80);
  } while (v !== 0);
}

/** Returns a copy of `bytes` whose memory maximum is min(declared max, maxPages). Allocates. */
export function capMemoryMaximum(bytes: Uint8Array, maxPages: number): Uint8Array {
  let pos = WASM_HEADER_BYTES;
  while (pos < bytes.length) {
    const sectionStart = pos;
    const id = bytes[pos++];
    const [size, contentStart] = readU32(bytes, pos);
    const contentEnd = contentStart + size;
    if (contentEnd > bytes.length) throw new MemoryCapError("section runs past the end of the module");
    if (id === MEMORY_SECTION_ID) {
      let p = contentStart;
      const [count, afterCount] = readU32(bytes, p);
      p = afterCount;
      if (count !== 1) throw new MemoryCapError(`expected exactly one memory, found ${count}`);
      const flags = bytes[p++];
      if (flags !== 0x00 && flags !== 0x01) throw new MemoryCapError(`unsupported memory limits flags 0x${flags.toString(16)}`);
      const [initial, afterInitial] = readU32(bytes, p);
      p = afterInitial;
      let declaredMax = WASM32_MAX_PAGES;
      if (flags === 0x01) [declaredMax, p] = readU32(bytes, p);
      if (p !== contentEnd) throw new MemoryCapError("memory section has trailing bytes");
      const max = Math.min(declaredMax, maxPages);
      if (initial > max) throw new MemoryCapError(`initial memory ${initial} pages is over the cap of ${max} pages`);
      const content: number[] = [];
      writeU32(content, 1);
      content.push(0x01);
      writeU32(content, initial);
      writeU32(content, max);
      const header: number[] = [MEMORY_SECTION_ID];
      writeU32(header, content.length);
      const out = new Uint8Array(bytes.length - (contentEnd - sectionStart) + header.length + content.length);
      out.set(bytes.subarray(0, sectionStart), 0);
      out.set(header, sectionStart);
      out.set(content, sectionStart + header.length);
      out.set(bytes.subarray(contentEnd), sectionStart + header.length + content.length);
      return out;
    }
    pos = contentEnd;
  }
  return bytes.slice();
}
