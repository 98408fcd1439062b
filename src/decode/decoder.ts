import type { DecodedPacket } from './decoded-packet.js';
import { DecodeState } from './decode-state.js';
import { LINKTYPES } from './dispatch.js';
import { DEFAULT_MAX_DEPTH } from './max-depth.js';
import { LAYER } from './layers.js';
import { REASON } from './reasons.js';
import './registry.js';

export { ENCAP_NAMES } from './encaps.js';
export { LAYER_NAMES } from './layers.js';
export { REASON_NAMES } from './reasons.js';

/** Tunnels per packet never exceed this, whatever `maxDepth` allows. */
export const MAX_TUNNELS = 16;

/** Options of `Decoder`. */
export interface DecoderOptions {
  /** Limit on stacked headers per packet; passing it is a 'too_deep' error. Tunnels are also capped at 16. */
  maxDepth?: number;
}

/** Decodes captured packets into one reused `DecodedPacket`; never throws on packet bytes. */
export class Decoder {
  private readonly state: DecodeState;

  constructor(opts?: DecoderOptions) {
    const maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) {
      throw new RangeError(`decoder maxDepth must be a positive integer, got ${maxDepth}`);
    }
    this.state = new DecodeState(maxDepth, Math.min(MAX_TUNNELS, maxDepth));
  }

  /**
   * Decodes `caplen` bytes of `data` from `offset` as link type `linktype`.
   * Returns the decoder's single `DecodedPacket`, overwritten by the next call.
   */
  decode(data: Uint8Array, offset: number, caplen: number, linktype: number): DecodedPacket {
    const s = this.state;
    // Out-of-range arguments shrink to the bytes that exist rather than read past the buffer.
    const start = offset >= 0 && offset <= data.length ? offset | 0 : data.length;
    const length = caplen > 0 ? Math.min(caplen | 0, data.length - start) : 0;
    s.reset(data, start, length);
    const link = LINKTYPES[linktype];
    if (link === undefined) s.fail(LAYER.LINK, REASON.UNSUPPORTED_LINKTYPE, start, 0, 0);
    else link(s, start);
    return s.p;
  }
}
