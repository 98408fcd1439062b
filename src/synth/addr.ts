/** IPv4 address as an unsigned 32-bit number from its four octets. */
export function ip4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Dotted-quad text of an IPv4 address. */
export function ipText(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** True for 10.0.0.0/8, the simulated site; everything else is reached through the gateway. */
export function isInternal(addr: number): boolean {
  return addr >>> 24 === 10;
}
