/** Fields of one DNS message that the features use; reused, never reallocated. */
export class DnsSummary {
  /** True for a response (QR bit set). */
  response = false;
  /** Response code (low 4 bits of the flags); 3 is NXDOMAIN. */
  rcode = 0;
  /** True when the first question name was parsed (nameLength, labels and entropy are valid). */
  nameOk = false;
  /** Length of the first question name in dotted text form, without the trailing dot. */
  nameLength = 0;
  /** Number of labels in the first question name. */
  labels = 0;
  /** Shannon entropy (bits per character) of the labels below the last two (the registered domain); 0 when there are none. */
  entropy = 0;
}

const counts = new Uint16Array(256);
/** Bit c of seen[c >> 5] is set when counts[c] > 0: the entropy visits and clears only the characters a name used. */
const seen = new Uint32Array(8);

/**
 * Parses the header and first question name of the RFC 1035 message in
 * data[off, off+len) into `out`. Returns false when there is no complete
 * header; a truncated or malformed name leaves nameOk false, so the message
 * still counts. Never throws and allocates nothing.
 */
export function parseDns(data: Uint8Array, off: number, len: number, out: DnsSummary): boolean {
  const end = Math.min(off + len, data.length);
  if (off < 0 || end - off < 12) return false;
  out.response = (data[off + 2] & 0x80) !== 0;
  out.rcode = data[off + 3] & 0x0f;
  out.nameOk = false;
  out.nameLength = 0;
  out.labels = 0;
  out.entropy = 0;
  const qdcount = (data[off + 4] << 8) | data[off + 5];
  if (qdcount === 0) return true;
  // First pass: find label boundaries and the total name length.
  let p = off + 12;
  let labels = 0;
  let textLength = 0;
  for (;;) {
    if (p >= end) return true;
    const l = data[p];
    if (l === 0) break;
    // Labels are at most 63 octets (RFC 1035 2.3.4); compression pointers or
    // reserved label types in a question name are malformed.
    if (l >= 0x40 || p + 1 + l > end || labels >= 127) return true;
    textLength += (labels > 0 ? 1 : 0) + l;
    labels++;
    p += 1 + l;
  }
  out.nameOk = true;
  out.labels = labels;
  out.nameLength = textLength;
  if (labels <= 2) return true;
  // Second pass: character histogram of the labels below the registered domain.
  let n = 0;
  p = off + 12;
  for (let i = 0; i < labels - 2; i++) {
    const l = data[p];
    for (let k = 1; k <= l; k++) {
      const ch = data[p + k];
      const c = ch >= 0x41 && ch <= 0x5a ? ch | 0x20 : ch; // DNS names are case-insensitive
      counts[c]++;
      seen[c >> 5] |= 1 << (c & 31);
    }
    n += l;
    p += 1 + l;
  }
  // Characters in ascending order, as a scan of all 256 counts would add them.
  let h = 0;
  for (let w = 0; w < 8; w++) {
    let bits = seen[w];
    seen[w] = 0;
    while (bits !== 0) {
      const c = (w << 5) | (31 - Math.clz32(bits & -bits));
      bits &= bits - 1;
      const q = counts[c] / n;
      counts[c] = 0;
      h -= q * Math.log2(q);
    }
  }
  out.entropy = h;
  return true;
}
