import { featureIndex } from '../features/schema.js';
import type { AnomalyCategory, Severity } from './anomaly.js';

const F = {
  flows: featureIndex('flows_started'),
  addrs: featureIndex('dst_addresses'),
  ports: featureIndex('dst_ports'),
  services: featureIndex('dst_services'),
  perService: featureIndex('flows_per_service'),
  failed: featureIndex('failed_handshake_share'),
  rst: featureIndex('rst_share'),
  pktsSent: featureIndex('packets_sent'),
  pktsRecv: featureIndex('packets_received'),
  bytesSent: featureIndex('bytes_sent'),
  icmp: featureIndex('icmp_packets'),
  queries: featureIndex('dns_queries'),
  nameLength: featureIndex('dns_name_length'),
  entropy: featureIndex('dns_label_entropy'),
  nxdomain: featureIndex('nxdomain_share'),
  regularity: featureIndex('connection_regularity'),
  publicRegularity: featureIndex('public_regularity'),
  outIn: featureIndex('out_in_ratio'),
  udp: featureIndex('udp_flows'),
  fanIn: featureIndex('inbound_sources'),
};

/** z-score a signature feature needs before its category can dominate. */
const DOMINANT_Z = 3;

/**
 * Category of a flagged host-window from its raw values (raw[at..]) and the
 * robust z-scores of its transformed values (z[0..]). Each rule needs one of
 * its signature features to be unusual for this network (z ≥ 3) and the raw
 * values to have the attack's shape; rates are per second so the rules hold
 * for any window length. Rules are tried from the most specific shape.
 */
export function categorize(raw: Float64Array, at: number, z: Float64Array, windowSeconds: number): AnomalyCategory {
  const v = (f: number) => raw[at + f];
  const unusual = (...fs: number[]) => fs.some((f) => z[f] >= DOMINANT_Z);
  const perSecond = (f: number) => v(f) / windowSeconds;
  const flows = v(F.flows);
  const pktsPerFlow = flows > 0 ? v(F.pktsSent) / flows : Infinity;
  const unanswered = Math.max(v(F.failed), v(F.rst), v(F.pktsRecv) === 0 ? 1 : 0);

  const udpShare = flows > 0 ? v(F.udp) / flows : 0;
  if (v(F.queries) >= 2 && unusual(F.queries, F.nameLength, F.entropy, F.nxdomain) && (v(F.nameLength) >= 40 || v(F.entropy) >= 3.5 || (v(F.nxdomain) >= 0.5 && v(F.queries) >= 10))) {
    return 'dns-tunnel';
  }
  // Spoofed-source floods show only at the victim, as fan-in.
  if (unusual(F.fanIn) && perSecond(F.fanIn) >= 20) return 'flood';
  // Bulk upload over a few TCP connections (a UDP blast of large datagrams is a flood).
  if (unusual(F.bytesSent, F.outIn) && perSecond(F.bytesSent) >= 20_000 && v(F.outIn) >= 5 && udpShare < 0.5 && pktsPerFlow >= 10) return 'exfiltration';
  // High packet rate that is UDP, or TCP attempts to a few services that never complete.
  if (unusual(F.pktsSent, F.bytesSent, F.flows, F.perService) && perSecond(F.pktsSent) >= 50 && (udpShare >= 0.5 || (v(F.failed) >= 0.5 && v(F.services) <= 3))) {
    return 'flood';
  }
  if (unusual(F.addrs, F.ports, F.services, F.failed, F.rst, F.icmp) && v(F.services) >= 4 && pktsPerFlow <= 3 && unanswered >= 0.5) {
    return 'scan';
  }
  if (unusual(F.flows, F.perService) && v(F.services) <= 3 && v(F.perService) >= 4 && v(F.failed) < 0.5 && pktsPerFlow >= 3) {
    return 'brute-force';
  }
  // Periodic contact is normal inside many networks (monitoring), so its public-only variant may be the unusual one.
  if ((unusual(F.regularity) && v(F.regularity) >= 0.7) || (unusual(F.publicRegularity) && v(F.publicRegularity) >= 0.7)) return 'beacon';
  return 'other';
}

/** Categories that are unambiguous attack shapes; only these can be critical. */
const CRITICAL_CAPABLE: ReadonlySet<AnomalyCategory> = new Set(['scan', 'flood', 'dns-tunnel', 'brute-force']);

/**
 * Severity: critical for an unambiguous attack shape whose score is well past
 * the threshold (a quarter of the way from the threshold to the maximum
 * score of 1); everything else that was flagged is a warning.
 */
export function severityOf(score: number, threshold: number, category: AnomalyCategory): Severity {
  return CRITICAL_CAPABLE.has(category) && score >= threshold + 0.25 * (1 - threshold) ? 'critical' : 'warning';
}
