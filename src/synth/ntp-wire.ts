/** Seconds from the NTP era (1900) to the Unix epoch. */
const NTP_EPOCH = 2_208_988_800;

/** Fields of an NTPv4 packet that the generator varies. */
export interface NtpFields {
  /** 3 for client, 4 for server. */
  mode: number;
  stratum: number;
  /** log2 of the poll interval in seconds. */
  poll: number;
  refId: number;
  /** Timestamps in µs since the Unix epoch; 0 writes a zero timestamp. */
  ref: number;
  origin: number;
  receive: number;
  transmit: number;
}

/** The 48-byte NTPv4 packet (no extensions, leap indicator 0). */
export function ntpPacket(f: NtpFields): Uint8Array {
  const b = new Uint8Array(48);
  const v = new DataView(b.buffer);
  b[0] = (4 << 3) | f.mode;
  b[1] = f.stratum;
  b[2] = f.poll;
  b[3] = 0xe9; // precision 2^-23 s
  if (f.mode === 4) {
    v.setUint32(4, 0x00000a3c); // root delay, 16.16 s
    v.setUint32(8, 0x00000f21); // root dispersion
    v.setUint32(12, f.refId);
  }
  stamp(v, 16, f.ref);
  stamp(v, 24, f.origin);
  stamp(v, 32, f.receive);
  stamp(v, 40, f.transmit);
  return b;
}

function stamp(v: DataView, at: number, us: number): void {
  if (us === 0) return;
  const sec = Math.floor(us / 1e6);
  v.setUint32(at, sec + NTP_EPOCH);
  v.setUint32(at + 4, Math.floor(((us - sec * 1e6) / 1e6) * 4294967296));
}
