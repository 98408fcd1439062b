/** DNS record types used by the generator. */
export const QTYPE = { A: 1, CNAME: 5, NULL: 10, TXT: 16, AAAA: 28 } as const;
/** NXDOMAIN response code. */
export const NXDOMAIN = 3;

/** One answer record; its owner name is the question name (compressed as a pointer). */
export interface DnsAnswer {
  type: number;
  ttl: number;
  rdata: Uint8Array;
}

/** Wire form of a domain name: length-prefixed labels ending with the root. */
export function encodeName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.')) {
    out.push(label.length);
    for (let i = 0; i < label.length; i++) out.push(label.charCodeAt(i));
  }
  out.push(0);
  return out;
}

function header(id: number, flags: number, an: number): number[] {
  return [id >>> 8, id & 255, flags >>> 8, flags & 255, 0, 1, an >>> 8, an & 255, 0, 0, 0, 0];
}

/** A recursive query (RD set) for `name`, class IN. */
export function dnsQuery(id: number, name: string, qtype: number): Uint8Array {
  return Uint8Array.from([...header(id, 0x0100, 0), ...encodeName(name), 0, qtype, 0, 1]);
}

/** A recursive answer (QR, RD, RA) repeating the question, with `rcode` and `answers`. */
export function dnsResponse(id: number, name: string, qtype: number, rcode: number, answers: readonly DnsAnswer[]): Uint8Array {
  const out = [...header(id, 0x8180 | rcode, answers.length), ...encodeName(name), 0, qtype, 0, 1];
  for (const a of answers) {
    // 0xc00c points at the question name, right after the 12-byte header.
    out.push(0xc0, 0x0c, 0, a.type, 0, 1, a.ttl >>> 24, (a.ttl >>> 16) & 255, (a.ttl >>> 8) & 255, a.ttl & 255);
    out.push(a.rdata.length >>> 8, a.rdata.length & 255, ...a.rdata);
  }
  return Uint8Array.from(out);
}

/** TXT rdata: `text` split into character-strings of at most 255 bytes. */
export function txtRdata(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 255) {
    const part = text.slice(i, i + 255);
    out.push(part.length);
    for (let j = 0; j < part.length; j++) out.push(part.charCodeAt(j));
  }
  return Uint8Array.from(out);
}
