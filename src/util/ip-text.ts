/**
 * Formats an address held as 32-bit words (see DecodedPacket.src): IPv4 uses
 * word `at`, IPv6 uses words `at`..`at+3` in network order. IPv6 text follows
 * RFC 5952 (lower case, longest run of two or more zero groups as `::`).
 */
export function ipText(version: number, words: Uint32Array, at = 0): string {
  if (version === 4) {
    const w = words[at];
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = words[at + i];
    groups.push(w >>> 16, w & 0xffff);
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
