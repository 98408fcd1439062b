import { ids } from './id-list.js';

/**
 * Metric-label names of the decode error reasons, indexed by
 * `DecodedPacket.errReason` (0 = no error); the one definition of the reason
 * ids. Comments say what errRequired / errActual hold.
 */
export const REASON_NAMES = [
  '',
  /** Header runs past the captured bytes: its length / bytes captured from its start. */
  'truncated',
  /** Version field: expected value / value seen (PPPoE: ver-type byte 0x11; GRE: highest known, 1). */
  'bad_version',
  /** IPv4 IHL below 5: 20 / IHL × 4. */
  'bad_header_length',
  /** IPv4 total length below its header: header length / total length. */
  'bad_total_length',
  /** IPv4 or IPv6 option runs past its header: option length / bytes left in the header. */
  'bad_option',
  /** IPv6 extension (or GTP-U extension) header past the declared payload: its length / bytes left. */
  'bad_extension_header',
  /** Fragment of impossible size: fragment offset in bytes / fragment length. */
  'bad_fragment',
  /** TCP data offset below 5: 20 / data offset × 4. */
  'bad_data_offset',
  /** UDP length below 8 or past the IP payload: UDP length / 8 or bytes the IP payload declares. */
  'bad_length',
  /** NFLOG TLV shorter than its own header: 4 / TLV length. */
  'bad_tlv',
  /** No decoder for the link type: 0 / 0. */
  'unsupported_linktype',
  /** Too many stacked headers or tunnels: the limit / the count reached. */
  'too_deep',
] as const;

/** Decode error reasons recorded in `DecodedPacket.errReason` (REASON.TRUNCATED is the index of 'truncated' in REASON_NAMES). */
export const REASON = ids(REASON_NAMES);
