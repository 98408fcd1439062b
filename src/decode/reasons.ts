/**
 * Decode error reasons recorded in `DecodedPacket.errReason`; each is an index
 * into `REASON_NAMES`. Comments say what errRequired / errActual hold.
 */
export const REASON = {
  NONE: 0,
  /** Header runs past the captured bytes: its length / bytes captured from its start. */
  TRUNCATED: 1,
  /** Version field: expected value / value seen (PPPoE: ver-type byte 0x11; GRE: highest known, 1). */
  BAD_VERSION: 2,
  /** IPv4 IHL below 5: 20 / IHL × 4. */
  BAD_HEADER_LENGTH: 3,
  /** IPv4 total length below its header: header length / total length. */
  BAD_TOTAL_LENGTH: 4,
  /** IPv4 or IPv6 option runs past its header: option length / bytes left in the header. */
  BAD_OPTION: 5,
  /** IPv6 extension (or GTP-U extension) header past the declared payload: its length / bytes left. */
  BAD_EXTENSION_HEADER: 6,
  /** Fragment of impossible size: fragment offset in bytes / fragment length. */
  BAD_FRAGMENT: 7,
  /** TCP data offset below 5: 20 / data offset × 4. */
  BAD_DATA_OFFSET: 8,
  /** UDP length below 8 or past the IP payload: UDP length / 8 or bytes the IP payload declares. */
  BAD_LENGTH: 9,
  /** NFLOG TLV shorter than its own header: 4 / TLV length. */
  BAD_TLV: 10,
  /** No decoder for the link type: 0 / 0. */
  UNSUPPORTED_LINKTYPE: 11,
  /** Too many stacked headers or tunnels: the limit / the count reached. */
  TOO_DEEP: 12,
} as const;

/** Metric-label names of the reasons, indexed by `DecodedPacket.errReason` (0 = no error). */
export const REASON_NAMES: readonly string[] = [
  '',
  'truncated',
  'bad_version',
  'bad_header_length',
  'bad_total_length',
  'bad_option',
  'bad_extension_header',
  'bad_fragment',
  'bad_data_offset',
  'bad_length',
  'bad_tlv',
  'unsupported_linktype',
  'too_deep',
];
