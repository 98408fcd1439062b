/**
 * Test helper: parses an IPv4 dotted quad or IPv6 text address into `out` laid out like
 * DecodedPacket.src (IPv4 in word 0; IPv6 in words 0..3, big-endian words,
 * unused words zeroed). Returns the IP version, or 0 for unparsable text.
 */
export function parseIpWords(text: string, out: Uint32Array): number {
  out.fill(0, 0, 4);
  if (!text.includes(':')) {
    // Dotted quad: four parts of 1-3 digits, each at most 255 (a char-code scan: this runs once per ended flow).
    let w = 0;
    let part = 0;
    let digits = 0;
    let parts = 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 0x2e;
      if (c >= 0x30 && c <= 0x39) {
        part = part * 10 + c - 0x30;
        if (++digits > 3) return 0;
      } else if (c === 0x2e && digits > 0 && part <= 255 && ++parts <= 4) {
        w = w * 256 + part;
        part = digits = 0;
      } else {
        return 0;
      }
    }
    if (parts !== 4) return 0;
    out[0] = w;
    return 4;
  }
  const groups = ipv6Groups(text);
  if (groups === undefined) return 0;
  for (let i = 0; i < 4; i++) out[i] = ((groups[2 * i] << 16) | groups[2 * i + 1]) >>> 0;
  return 6;
}

/** The eight 16-bit groups of an IPv6 text address (with optional `::` and trailing dotted quad). */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = new Uint32Array(4);
        if (parseIpWords(part, v4) !== 4) return undefined;
        out.push(v4[0] >>> 16, v4[0] & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
