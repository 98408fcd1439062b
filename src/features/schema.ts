import type { HostRow } from './host-row.js';
import { COUNTER as C, SKETCH as S } from './partial-window.js';

/** How a raw feature value is turned into the model's input. */
export type FeatureTransform = 'log1p' | 'identity';

/** One per-host-window feature: its name, meaning and model transform. */
export interface FeatureSpec {
  /** Stable snake_case name (metrics labels, explanations, model files). */
  readonly name: string;
  /** Unit of the raw value, in words (e.g. `packets per second`, `ratio, 0–1`). */
  readonly unit: string;
  /** What the raw value measures. */
  readonly description: string;
  /** log1p for heavy-tailed counts, identity for shares and bounded values. */
  readonly transform: FeatureTransform;
  /** The raw value from one host's closed window. */
  readonly value: (row: HostRow) => number;
}

/** part / whole, or 0 when whole is 0 (a share or mean of nothing). */
function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/**
 * The ordered feature schema: the column order of every vector and of every
 * saved model. "Sent"/"outbound" is the host acting as flow initiator;
 * "received" is its responders' traffic back to it.
 */
export const FEATURES: readonly FeatureSpec[] = [
  { name: 'flows_started', unit: 'flows', description: 'Flows the host initiated in the window', transform: 'log1p', value: (r) => r.count(C.FLOWS) },
  { name: 'dst_addresses', unit: 'addresses', description: 'Distinct destination addresses of initiated flows (HyperLogLog estimate)', transform: 'log1p', value: (r) => r.distinct(S.DST_ADDRS, r.count(C.FLOWS)) },
  { name: 'dst_ports', unit: 'protocol/port pairs', description: 'Distinct destination protocol/port pairs of initiated flows (HyperLogLog estimate)', transform: 'log1p', value: (r) => r.distinct(S.DST_PORTS, r.count(C.FLOWS)) },
  { name: 'dst_services', unit: 'address/protocol/port triples', description: 'Distinct destination address/protocol/port triples (HyperLogLog estimate)', transform: 'log1p', value: (r) => r.distinct(S.DST_SERVICES, r.count(C.FLOWS)) },
  { name: 'flows_per_service', unit: 'flows per service', description: 'Initiated flows per distinct destination service', transform: 'log1p', value: (r) => r.count(C.FLOWS) / Math.max(1, r.distinct(S.DST_SERVICES, r.count(C.FLOWS))) },
  { name: 'failed_share', unit: 'ratio, 0–1', description: 'Share of initiated flows that expect an answer (TCP attempts, unicast UDP other than replies from a well-known port, ICMP echo, other IP protocols) that got none in the window (for TCP: no SYN-ACK)', transform: 'identity', value: (r) => ratio(r.count(C.FAILED), r.count(C.EXPECTING)) },
  { name: 'rst_share', unit: 'ratio, 0–1', description: 'Share of initiated TCP attempts (first packet without ACK) answered with RST', transform: 'identity', value: (r) => (r.count(C.ATTEMPTS) > 0 ? Math.min(1, r.count(C.RST) / r.count(C.ATTEMPTS)) : 0) },
  { name: 'failed_flows', unit: 'flows', description: 'Initiated flows that expected an answer and got none in the window', transform: 'log1p', value: (r) => r.count(C.FAILED) },
  { name: 'failed_ports', unit: 'protocol/port pairs', description: 'Distinct destination protocol/port pairs of the failed flows (HyperLogLog estimate)', transform: 'log1p', value: (r) => r.distinct(S.FAILED_PORTS, r.count(C.FAILED)) },
  { name: 'unreachables_received', unit: 'ICMP messages', description: 'ICMP/ICMPv6 destination-unreachable messages sent to the host (closed UDP ports, unknown protocols, filtered hosts)', transform: 'log1p', value: (r) => r.count(C.UNREACHABLE) },
  { name: 'odd_packets', unit: 'packets', description: 'Packets sent with headers only probes use: TCP without ACK other than a plain SYN or RST (NULL, FIN, Xmas), SYN with FIN or RST, ICMP echo with a non-zero code, ICMP timestamp/information/address-mask requests', transform: 'log1p', value: (r) => r.count(C.ODD) },
  { name: 'packets_sent', unit: 'packets', description: 'Packets from the host in flows it initiated', transform: 'log1p', value: (r) => r.count(C.PKTS_SENT) },
  { name: 'packets_received', unit: 'packets', description: 'Packets to the host in flows it initiated', transform: 'log1p', value: (r) => r.count(C.PKTS_RECV) },
  { name: 'peak_packet_rate', unit: 'packets per second', description: 'Most packets the host sent in flows it initiated within one second of the window', transform: 'log1p', value: (r) => r.peakPacketRate },
  { name: 'bytes_sent', unit: 'bytes', description: 'Wire bytes from the host in flows it initiated', transform: 'log1p', value: (r) => r.count(C.BYTES_SENT) },
  { name: 'bytes_received', unit: 'bytes', description: 'Wire bytes to the host in flows it initiated', transform: 'log1p', value: (r) => r.count(C.BYTES_RECV) },
  { name: 'public_bytes_sent', unit: 'bytes', description: 'Wire bytes from the host in flows it initiated to public (globally routable) addresses', transform: 'log1p', value: (r) => r.count(C.PUBLIC_BYTES) },
  { name: 'mean_packet_size', unit: 'bytes', description: 'Mean wire size of packets sent', transform: 'log1p', value: (r) => ratio(r.count(C.BYTES_SENT), r.count(C.PKTS_SENT)) },
  { name: 'small_packet_share', unit: 'ratio, 0–1', description: 'Share of sent packets under 100 wire bytes', transform: 'identity', value: (r) => ratio(r.count(C.SMALL), r.count(C.PKTS_SENT)) },
  { name: 'mean_flow_duration', unit: 'seconds', description: 'Mean duration (s) of the host-initiated flows that ended in the window', transform: 'log1p', value: (r) => ratio(r.count(C.DUR_SUM), r.count(C.DUR_N)) },
  { name: 'udp_flows', unit: 'flows', description: 'UDP flows initiated', transform: 'log1p', value: (r) => r.count(C.UDP) },
  { name: 'udp_packets', unit: 'packets', description: 'UDP packets sent in flows the host initiated', transform: 'log1p', value: (r) => r.count(C.UDP_PKTS) },
  { name: 'icmp_packets', unit: 'packets', description: 'ICMP/ICMPv6 packets other than errors sent in flows the host initiated', transform: 'log1p', value: (r) => r.count(C.ICMP) },
  { name: 'icmp_echo_payload', unit: 'bytes', description: 'Mean payload bytes of the ICMP/ICMPv6 echo requests and replies of flows the host initiated: 32-64 for ordinary pings, more when pings carry data (tunnels)', transform: 'log1p', value: (r) => ratio(r.count(C.ICMP_PAYLOAD), r.count(C.ECHOES)) },
  { name: 'dns_queries', unit: 'queries', description: 'DNS queries sent (UDP port 53)', transform: 'log1p', value: (r) => r.count(C.DNS_Q) },
  { name: 'dns_name_length', unit: 'characters', description: 'Mean query-name length of DNS queries', transform: 'identity', value: (r) => ratio(r.count(C.QLEN_SUM), r.count(C.DNS_NAMED)) },
  { name: 'dns_label_entropy', unit: 'bits per character', description: 'Mean Shannon entropy (bits/char) of query names below the registered domain', transform: 'identity', value: (r) => ratio(r.count(C.ENTROPY_SUM), r.count(C.DNS_NAMED)) },
  { name: 'nxdomain_share', unit: 'ratio, 0–1', description: 'Share of DNS responses to the host with rcode NXDOMAIN', transform: 'identity', value: (r) => ratio(r.count(C.NXDOMAIN), r.count(C.DNS_R)) },
  { name: 'connection_regularity', unit: 'dimensionless, ≤ 1', description: '1 - coefficient of variation of gaps between connection episodes to one destination (max over destinations, kept across windows; DNS, NTP and ICMP polls excluded)', transform: 'identity', value: (r) => r.regularity },
  { name: 'public_regularity', unit: 'dimensionless, 0 or 0.8–1', description: 'connection_regularity over public (globally routable) destinations contacted at most two minutes apart, from the fifth episode on, times 1/prevalence of the latest service used on the pair (how many hosts use it), when at least 0.8 (else 0): periodic contact with an outside address no other host keeps, as a C2 beacon has (an update server several hosts check does not count)', transform: 'identity', value: (r) => r.publicRegularity },
  { name: 'beacon_score', unit: 'score, 0 or 0.5–1', description: 'Highest beacon score in [0, 1] of the services (destination address and protocol/port) the host contacts periodically: RITA-style timing regularity of connection episodes (Bowley skew and MAD/median of their gaps, more episodes score higher), times 1 for a service new to the host (first used after its first ten minutes) and 0.3 for one of its history, times 1/prevalence (how many hosts use that service) scaled down while fewer than four other hosts are known, times min(1, 2/n) for n alive periodic services of the host (gaps regular enough, regularity ≥ 0.5, from their third episode on) whose periods are within 10 % of its own (the targets a poller checks on one schedule); 0 under 0.5; any address class; DNS, NTP and ICMP polls excluded', transform: 'identity', value: (r) => r.beacon },
  { name: 'repeated_sessions', unit: 'sessions per hour', description: 'Short completed TCP sessions of one size to one service fresh to the host (new to it, or the host new to the network), however far apart, each weighed by how much of the gap between sessions they last (in full from a fifth: login attempts wait for the server, polls and pushes do not); the highest rate over services (a count decaying with a five-minute time constant, per hour), 0 below three sessions: the shape of a login brute force, fast or slow', transform: 'log1p', value: (r) => r.repeatedSessions },
  { name: 'out_in_ratio', unit: 'dimensionless ratio', description: '(bytes sent + 1) / (bytes received + 1)', transform: 'log1p', value: (r) => (r.count(C.BYTES_SENT) + 1) / (r.count(C.BYTES_RECV) + 1) },
  { name: 'inbound_sources', unit: 'addresses', description: 'Distinct initiators of flows to the host (HyperLogLog estimate; fan-in of floods)', transform: 'log1p', value: (r) => r.distinct(S.IN_SOURCES, r.count(C.INBOUND)) },
  { name: 'fresh_upload_seconds', unit: 'seconds', description: 'Longest time the host has kept uploading in one flow it initiated to a service fresh to it (new to it, or the host new to the network), over the flows that sent a megabyte (2^20 wire bytes) in the window: from the first to the latest megabyte of the flow sent at most a minute apart, so a slow upload counts while it runs and grows with it; a flow to a service of its history (backups, CI, file shares) or a burst of a few seconds counts 0 or little; any address class', transform: 'log1p', value: (r) => r.freshUploadSeconds },
];

/** Feature names in schema order. */
export const FEATURE_NAMES: readonly string[] = FEATURES.map((f) => f.name);

/** Number of features per vector. */
export const N_FEATURES = FEATURES.length;

/** Column index of a feature name; throws for an unknown name so typos fail loudly. */
export function featureIndex(name: string): number {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`unknown feature ${name}`);
  return i;
}

/** Applies the schema transforms to `raw` (row-major, N_FEATURES wide) into `out`. */
export function transformRows(raw: Float64Array, out: Float64Array): void {
  for (let i = 0; i < raw.length; i++) {
    out[i] = FEATURES[i % N_FEATURES].transform === 'log1p' ? Math.log1p(Math.max(0, raw[i])) : raw[i];
  }
}
