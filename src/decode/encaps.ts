/** Tunnel kinds recorded in `DecodedPacket.encap`; each is an index into `ENCAP_NAMES`. */
export const ENCAP = {
  NONE: 0,
  GRE: 1,
  VXLAN: 2,
  GENEVE: 3,
  GTPU: 4,
  IPIP: 5,
  SIX_IN_FOUR: 6,
  FOUR_IN_SIX: 7,
  SIX_IN_SIX: 8,
  TEREDO: 9,
} as const;

/** Metric-label names of the tunnel kinds, indexed by `DecodedPacket.encap` (0 = not tunnelled). */
export const ENCAP_NAMES: readonly string[] = [
  '',
  'gre',
  'vxlan',
  'geneve',
  'gtpu',
  'ipip',
  '6in4',
  '4in6',
  '6in6',
  'teredo',
];
