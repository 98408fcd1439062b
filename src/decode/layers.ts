import { ids } from './id-list.js';

/** Metric-label names of the layers, indexed by `DecodedPacket.errLayer` (0 = no error); the one definition of the layer ids. */
export const LAYER_NAMES = [
  '',
  'link',
  'ethernet',
  'vlan',
  'mpls',
  'pppoe',
  'ppp',
  'sll',
  'sll2',
  'null',
  'nflog',
  'ipv4',
  'ipv6',
  'tcp',
  'udp',
  'icmp',
  'icmpv6',
  'arp',
  'gre',
  'vxlan',
  'geneve',
  'gtpu',
  'teredo',
  'cisco_metadata',
] as const;

/** Layer ids recorded in `DecodedPacket.errLayer` (LAYER.IPV4 is the index of 'ipv4' in LAYER_NAMES). */
export const LAYER = ids(LAYER_NAMES);
