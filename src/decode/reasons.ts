/** Decode error reasons recorded in `DecodedPacket.errReason`; each is an index into `REASON_NAMES`. */
export const REASON = {
  NONE: 0,
  TRUNCATED: 1,
  BAD_VERSION: 2,
  BAD_HEADER_LENGTH: 3,
  BAD_TOTAL_LENGTH: 4,
  BAD_PAYLOAD_LENGTH: 5,
  BAD_OPTION: 6,
  BAD_EXTENSION_HEADER: 7,
  BAD_FRAGMENT: 8,
  BAD_DATA_OFFSET: 9,
  BAD_LENGTH: 10,
  BAD_TLV: 11,
  UNSUPPORTED_LINKTYPE: 12,
  TOO_DEEP: 13,
} as const;

/** Metric-label names of the reasons, indexed by `DecodedPacket.errReason` (0 = no error). */
export const REASON_NAMES: readonly string[] = [
  '',
  'truncated',
  'bad_version',
  'bad_header_length',
  'bad_total_length',
  'bad_payload_length',
  'bad_option',
  'bad_extension_header',
  'bad_fragment',
  'bad_data_offset',
  'bad_length',
  'bad_tlv',
  'unsupported_linktype',
  'too_deep',
];
