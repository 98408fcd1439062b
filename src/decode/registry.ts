import { decodeArp } from './arp.js';
import { decodeCiscoMetadata } from './cisco-metadata.js';
import { ETHERTYPES, IP_PROTOCOLS, LINKTYPES, UDP_PORTS } from './dispatch.js';
import { decodeBridgedEthernet, decodeEthernet } from './ethernet.js';
import { ETHERTYPE } from './ethertypes.js';
import { probeGeneve } from './geneve.js';
import { decodeGre } from './gre.js';
import { probeGtpu } from './gtpu.js';
import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import { decodeIpv4InIp, decodeIpv6InIp } from './ip-in-ip.js';
import { IP_PROTO } from './ip-protocols.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeMpls } from './mpls.js';
import { decodeNflog } from './nflog.js';
import { decodeLoop, decodeNull } from './null-loopback.js';
import { decodePpp } from './ppp.js';
import { decodePppoe } from './pppoe.js';
import { decodeRawIp } from './raw-ip.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { decodeTcp } from './tcp.js';
import { probeTeredo } from './teredo.js';
import { decodeUdp } from './udp.js';
import { decodeVlan } from './vlan.js';
import { probeVxlan } from './vxlan.js';

// Fills the dispatch tables when imported (decoder.ts imports it for that effect).

// Link types: https://www.tcpdump.org/linktypes.html
LINKTYPES[0] = decodeNull;
LINKTYPES[1] = decodeEthernet;
LINKTYPES[12] = decodeRawIp; // DLT_RAW on most BSDs
LINKTYPES[14] = decodeRawIp; // DLT_RAW on OpenBSD
LINKTYPES[101] = decodeRawIp;
LINKTYPES[108] = decodeLoop;
LINKTYPES[113] = decodeSll;
LINKTYPES[228] = decodeIpv4;
LINKTYPES[229] = decodeIpv6;
LINKTYPES[239] = decodeNflog;
LINKTYPES[276] = decodeSll2;

ETHERTYPES[ETHERTYPE.IPV4] = decodeIpv4;
ETHERTYPES[ETHERTYPE.IPV6] = decodeIpv6;
ETHERTYPES[ETHERTYPE.ARP] = decodeArp;
ETHERTYPES[ETHERTYPE.RARP] = decodeArp;
ETHERTYPES[ETHERTYPE.VLAN] = decodeVlan;
ETHERTYPES[ETHERTYPE.QINQ] = decodeVlan;
ETHERTYPES[ETHERTYPE.QINQ_OLD] = decodeVlan;
ETHERTYPES[ETHERTYPE.MPLS_UNICAST] = decodeMpls;
ETHERTYPES[ETHERTYPE.MPLS_MULTICAST] = decodeMpls;
ETHERTYPES[ETHERTYPE.PPPOE_SESSION] = decodePppoe;
ETHERTYPES[ETHERTYPE.PPP] = decodePpp;
ETHERTYPES[ETHERTYPE.TEB] = decodeBridgedEthernet;
ETHERTYPES[ETHERTYPE.CISCO_METADATA] = decodeCiscoMetadata;

IP_PROTOCOLS[IP_PROTO.ICMP] = decodeIcmp;
IP_PROTOCOLS[IP_PROTO.IPIP] = decodeIpv4InIp;
IP_PROTOCOLS[IP_PROTO.TCP] = decodeTcp;
IP_PROTOCOLS[IP_PROTO.UDP] = decodeUdp;
IP_PROTOCOLS[IP_PROTO.IPV6] = decodeIpv6InIp;
IP_PROTOCOLS[IP_PROTO.GRE] = decodeGre;
IP_PROTOCOLS[IP_PROTO.ICMPV6] = decodeIcmpv6;

// IANA service-names-port-numbers.
UDP_PORTS[2152] = probeGtpu; // 3GPP TS 29.281 §4.4.2
UDP_PORTS[3544] = probeTeredo; // RFC 4380 §4
UDP_PORTS[4789] = probeVxlan; // RFC 7348 §5
UDP_PORTS[6081] = probeGeneve; // RFC 8926 §3.3
