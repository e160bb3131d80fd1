// UTF-16 (AssemblyScript strings) to UTF-8 into a caller's buffer, without
// allocating: String.UTF8.encode would allocate an ArrayBuffer per call.

/**
 * Encodes `text` as UTF-8 into [dst, dst + capacity) and returns the bytes
 * written. Stops before a character that would not fit whole, so the output
 * is always valid UTF-8. Lone surrogates become U+FFFD. No allocation.
 */
export function encodeUtf8(text: string, dst: usize, capacity: i32): i32 {
  const src = changetype<usize>(text);
  const units = text.length;
  let out: i32 = 0;
  for (let i = 0; i < units; ++i) {
    let c = <u32>load<u16>(src + (<usize>i << 1));
    if (c < 0x80) {
      if (out + 1 > capacity) break;
      store<u8>(dst + out, <u8>c);
      out += 1;
    } else if (c < 0x800) {
      if (out + 2 > capacity) break;
      store<u8>(dst + out, <u8>(0xc0 | (c >> 6)));
      store<u8>(dst + out + 1, <u8>(0x80 | (c & 0x3f)));
      out += 2;
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
        const c2 = <u32>load<u16>(src + (<usize>(i + 1) << 1));
        if (c2 >= 0xdc00 && c2 < 0xe000) {
          if (out + 4 > capacity) break;
          const cp = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
          store<u8>(dst + out, <u8>(0xf0 | (cp >> 18)));
          store<u8>(dst + out + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
          store<u8>(dst + out + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
          store<u8>(dst + out + 3, <u8>(0x80 | (cp & 0x3f)));
          out += 4;
          ++i;
          continue;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      if (out + 3 > capacity) break;
      store<u8>(dst + out, <u8>(0xe0 | (c >> 12)));
      store<u8>(dst + out + 1, <u8>(0x80 | ((c >> 6) & 0x3f)));
      store<u8>(dst + out + 2, <u8>(0x80 | (c & 0x3f)));
      out += 3;
    }
  }
  return out;
}

/** UTF-8 length of `text` (lone surrogates count as U+FFFD). No allocation. */
export function utf8Length(text: string): i32 {
  const src = changetype<usize>(text);
  const units = text.length;
  let n: i32 = 0;
  for (let i = 0; i < units; ++i) {
    const c = <u32>load<u16>(src + (<usize>i << 1));
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
      const c2 = <u32>load<u16>(src + (<usize>(i + 1) << 1));
      if (c2 >= 0xdc00 && c2 < 0xe000) { n += 4; ++i; } else n += 3;
    } else n += 3;
  }
  return n;
}
