import { ids } from './id-list.js';

/** Metric-label names of the tunnel kinds, indexed by `DecodedPacket.encap` (0 = not tunnelled); the one definition of the tunnel ids. */
export const ENCAP_NAMES = [
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
] as const;

/** Tunnel kinds recorded in `DecodedPacket.encap` (ENCAP.GRE is the index of 'gre' in ENCAP_NAMES). */
export const ENCAP = ids(ENCAP_NAMES, { '6in4': 'SIX_IN_FOUR', '4in6': 'FOUR_IN_SIX', '6in6': 'SIX_IN_SIX' });
