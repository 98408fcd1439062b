import { RecordError } from './record-error.js';
import { TsScale } from './ts-scale.js';

/** Option codes (draft-ietf-opsawg-pcapng, sections 3.5 and 4.2). */
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** Default `if_tsresol`: microseconds (draft-ietf-opsawg-pcapng, section 4.2). */
const DEFAULT_TSRESOL = 6;

/** One Interface Description Block of the current section. */
export interface PcapngInterface {
  /** LINKTYPE_* value. */
  readonly linktype: number;
  /** Maximum captured length, 0 = unlimited. */
  readonly snaplen: number;
  /** Interned `if_name`, or `if<N>`. */
  readonly name: string;
  /** Converts this interface's timestamps. */
  readonly scale: TsScale;
}

/** Calls `visit(code, valueStart, valueLength)` for each option in `[start, stop)`; throws if one runs past `stop`. */
export function walkOptions(
  dv: DataView,
  le: boolean,
  start: number,
  stop: number,
  visit?: (code: number, at: number, length: number) => void,
): void {
  let p = start;
  while (p + 4 <= stop) {
    const code = dv.getUint16(p, le);
    const length = dv.getUint16(p + 2, le);
    if (code === OPT_ENDOFOPT) return;
    if (p + 4 + length > stop) {
      throw new RecordError(`option ${code} of length ${length} runs past the end of the block`);
    }
    visit?.(code, p + 4, length);
    p += 4 + ((length + 3) & ~3);
  }
}

const utf8 = new TextDecoder('utf-8');

/** Parses the IDB body at `pos` (after type and length) up to the trailing length at `stop`; interns its name while `intern` holds fewer than `maxInterned`. */
export function parseInterface(
  buf: Uint8Array,
  dv: DataView,
  le: boolean,
  pos: number,
  stop: number,
  index: number,
  intern: Map<string, string>,
  maxInterned: number,
): PcapngInterface {
  const linktype = dv.getUint16(pos, le);
  const snaplen = dv.getUint32(pos + 4, le);
  let name = `if${index}`;
  let tsresol = DEFAULT_TSRESOL;
  let offsetSec = 0;
  walkOptions(dv, le, pos + 8, stop, (code, at, length) => {
    if (code === IF_NAME) {
      let n = length;
      while (n > 0 && buf[at + n - 1] === 0) n--;
      if (n > 0) name = utf8.decode(buf.subarray(at, at + n));
    } else if (code === IF_TSRESOL && length >= 1) {
      tsresol = buf[at];
    } else if (code === IF_TSOFFSET && length >= 8) {
      const hi = dv.getInt32(at + (le ? 4 : 0), le);
      const lo = dv.getUint32(at + (le ? 0 : 4), le);
      offsetSec = hi * 4294967296 + lo;
    }
  });
  let interned = intern.get(name);
  if (interned === undefined) {
    interned = name;
    if (intern.size < maxInterned) intern.set(name, name);
  }
  return { linktype, snaplen, name: interned, scale: new TsScale(tsresol, offsetSec) };
}
