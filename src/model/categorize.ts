import { featureIndex } from '../features/schema.js';
import type { AnomalyCategory, Severity } from './anomaly.js';

const F = {
  flows: featureIndex('flows_started'),
  addrs: featureIndex('dst_addresses'),
  ports: featureIndex('dst_ports'),
  services: featureIndex('dst_services'),
  perService: featureIndex('flows_per_service'),
  failed: featureIndex('failed_share'),
  failedFlows: featureIndex('failed_flows'),
  failedPorts: featureIndex('failed_ports'),
  unreachable: featureIndex('unreachables_received'),
  odd: featureIndex('odd_packets'),
  pktsSent: featureIndex('packets_sent'),
  pktsRecv: featureIndex('packets_received'),
  peak: featureIndex('peak_packet_rate'),
  bytesSent: featureIndex('bytes_sent'),
  publicBytes: featureIndex('public_bytes_sent'),
  packetSize: featureIndex('mean_packet_size'),
  small: featureIndex('small_packet_share'),
  udpFlows: featureIndex('udp_flows'),
  udpPackets: featureIndex('udp_packets'),
  icmp: featureIndex('icmp_packets'),
  echoPayload: featureIndex('icmp_echo_payload'),
  queries: featureIndex('dns_queries'),
  nameLength: featureIndex('dns_name_length'),
  entropy: featureIndex('dns_label_entropy'),
  nxdomain: featureIndex('nxdomain_share'),
  regularity: featureIndex('connection_regularity'),
  publicRegularity: featureIndex('public_regularity'),
  beacon: featureIndex('beacon_score'),
  repeats: featureIndex('repeated_sessions'),
  outIn: featureIndex('out_in_ratio'),
  fanIn: featureIndex('inbound_sources'),
  freshUpload: featureIndex('fresh_upload_seconds'),
};

/** z-score a signature feature needs before its category can dominate. */
const DOMINANT_Z = 3;
/** Robust scales beyond the training range that make a feature unusual whatever its z-score (a feature never seen in training). */
const DOMINANT_EXCESS = 1;
/** Packets per second within one second of the window from which a one-sided stream is a flood. */
const FLOOD_PEAK = 100;
/** Distinct initiators per second from which unsolicited fan-in is a flood (about the fan-in that gives a responder its own row). */
const FLOOD_FAN_IN = 3;
/**
 * Flows and packets per destination service from which traffic hammers its
 * targets rather than probing them: a prober tries each port once or twice
 * (a connect scan adds an ACK and a RST), a flood keeps hitting the same
 * services, from one flow or from a new source port per packet.
 */
const FLOOD_FLOWS_PER_SERVICE = 3;
const FLOOD_PACKETS_PER_SERVICE = 10;
/**
 * Packets per flow up to which TCP attempts are half-open: a SYN, and at most
 * a RST when the initiator's kernel refuses the SYN-ACK of a connection it never made.
 */
const HALF_OPEN_PACKETS_PER_FLOW = 2;
/** Share of header-only packets from which a stream carries no data. */
const HALF_OPEN_SMALL_SHARE = 0.9;
/** Mean echo payload above every ordinary ping (Windows 32, Linux and macOS 56 bytes): the pings carry data. */
const TUNNEL_ECHO_PAYLOAD = 100;
/** Sessions of one size to one service per hour (a rate over minutes) that make a login brute force: the least repeated_sessions reports. */
const BRUTE_FORCE_REPEATS = 36;

/**
 * Category of a flagged host-window from its raw values (raw[at..]), the
 * robust z-scores of its transformed values (z[0..]) and how far each lies
 * beyond the training range in robust scales (excess[0..]). Each rule needs
 * one of its signature features to be unusual for this network (z ≥ 3, or a
 * scale beyond anything seen in training) and the raw values to have the
 * attack's shape; rates are per second so the rules hold for any window
 * length. Rules are tried from the most specific shape.
 */
export function categorize(raw: Float64Array, at: number, z: Float64Array, excess: Float64Array, windowSeconds: number): AnomalyCategory {
  const v = (f: number) => raw[at + f];
  const unusual = (...fs: number[]) => fs.some((f) => z[f] >= DOMINANT_Z || excess[f] >= DOMINANT_EXCESS);
  const perSecond = (f: number) => v(f) / windowSeconds;
  const flows = v(F.flows);
  const sent = v(F.pktsSent);
  const pktsPerFlow = flows > 0 ? sent / flows : Infinity;
  const pktsPerService = sent / Math.max(1, v(F.services));
  // Probes go unanswered: no SYN-ACK or reply, or ICMP unreachables instead.
  const unanswered = Math.max(v(F.failed), flows > 0 ? Math.min(1, v(F.unreachable) / flows) : 0);
  // A SYN flood against an open port is answered (SYN-ACKs), but its initiator never completes a handshake or sends data.
  const halfOpen = flows - v(F.udpFlows) >= 0.5 * flows && pktsPerFlow <= HALF_OPEN_PACKETS_PER_FLOW && v(F.small) >= HALF_OPEN_SMALL_SHARE;

  if (v(F.queries) >= 2 && unusual(F.queries, F.nameLength, F.entropy, F.nxdomain) && (v(F.nameLength) >= 40 || v(F.entropy) >= 3.5 || (v(F.nxdomain) >= 0.5 && v(F.queries) >= 10))) {
    return 'dns-tunnel';
  }
  // Spoofed-source and reflected floods show only at the victim, as fan-in.
  if (unusual(F.fanIn) && perSecond(F.fanIn) >= FLOOD_FAN_IN) return 'flood';
  // Bulk upload in full-size packets over answered connections.
  if (
    unusual(F.bytesSent, F.publicBytes, F.outIn, F.freshUpload) &&
    perSecond(F.bytesSent) >= 20_000 &&
    v(F.outIn) >= 5 &&
    v(F.packetSize) >= 500 &&
    pktsPerFlow >= 10 &&
    v(F.failed) < 0.5
  ) {
    return 'exfiltration';
  }
  // A one-sided stream that hammers its targets at a high rate: TCP attempts that never complete (unanswered or half-open), UDP or ICMP.
  // Its volume may be unusual overall or only for its protocol (busy hosts send as many packets, over TCP and answered).
  if (
    unusual(F.pktsSent, F.peak, F.bytesSent, F.flows, F.perService, F.udpPackets, F.icmp) &&
    v(F.peak) >= FLOOD_PEAK &&
    (v(F.perService) >= FLOOD_FLOWS_PER_SERVICE || pktsPerService >= FLOOD_PACKETS_PER_SERVICE) &&
    (unanswered >= 0.5 || halfOpen || v(F.pktsRecv) === 0 || v(F.outIn) >= 10)
  ) {
    return 'flood';
  }
  // Pings carrying data.
  if (unusual(F.echoPayload) && v(F.echoPayload) >= TUNNEL_ECHO_PAYLOAD && v(F.icmp) >= 3) return 'tunnel';
  // Probes: crafted packets, or many targets each tried once or twice and mostly unanswered.
  if (unusual(F.odd) && v(F.odd) >= 1) return 'scan';
  if (
    unusual(F.addrs, F.ports, F.services, F.failed, F.failedFlows, F.failedPorts, F.unreachable) &&
    (v(F.services) >= 4 || v(F.failedPorts) >= 3) &&
    pktsPerFlow <= 3 &&
    unanswered >= 0.5
  ) {
    return 'scan';
  }
  // Session after session of the same exchange to one service, or many answered connections to a few services.
  if (unusual(F.repeats) && v(F.repeats) >= BRUTE_FORCE_REPEATS) return 'brute-force';
  if (unusual(F.flows, F.perService) && v(F.services) <= 3 && v(F.perService) >= 4 && v(F.failed) < 0.5 && pktsPerFlow >= 3) {
    return 'brute-force';
  }
  // Periodic contact is normal inside many networks (monitoring), so its public-only variant may be the unusual one.
  if ((unusual(F.regularity) && v(F.regularity) >= 0.7) || (unusual(F.publicRegularity) && v(F.publicRegularity) >= 0.7) || (unusual(F.beacon) && v(F.beacon) > 0)) return 'beacon';
  return 'other';
}

/** Categories that are unambiguous attack shapes; only these can be critical. */
const CRITICAL_CAPABLE: ReadonlySet<AnomalyCategory> = new Set(['scan', 'flood', 'dns-tunnel', 'tunnel', 'brute-force']);

/**
 * Severity: critical for an unambiguous attack shape whose score is well past
 * the threshold (a quarter of the way from the threshold to the maximum
 * score of 1); everything else that was flagged is a warning.
 */
export function severityOf(score: number, threshold: number, category: AnomalyCategory): Severity {
  return CRITICAL_CAPABLE.has(category) && score >= threshold + 0.25 * (1 - threshold) ? 'critical' : 'warning';
}
