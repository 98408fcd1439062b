import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, N_FEATURES } from '../features/schema.js';
import { categorize, severityOf } from './categorize.js';

/** A raw row from named values (others 0) and a z row with z=5 on the named `unusual` features. */
function row(values: Record<string, number>, unusual: string[]): [Float64Array, Float64Array] {
  const raw = new Float64Array(N_FEATURES);
  const z = new Float64Array(N_FEATURES);
  for (const [k, v] of Object.entries(values)) raw[FEATURE_NAMES.indexOf(k)] = v;
  for (const k of unusual) z[FEATURE_NAMES.indexOf(k)] = 5;
  return [raw, z];
}

const cases: [string, Record<string, number>, string[]][] = [
  ['scan', { flows_started: 2000, dst_addresses: 2, dst_ports: 1000, dst_services: 2000, failed_handshake_share: 1, rst_share: 1, packets_sent: 2000, packets_received: 2000 }, ['dst_ports']],
  ['scan', { flows_started: 5, dst_addresses: 4, dst_ports: 5, dst_services: 5, failed_handshake_share: 1, rst_share: 0.6, packets_sent: 5, packets_received: 3 }, ['failed_handshake_share']],
  ['flood', { flows_started: 11000, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 11000, failed_handshake_share: 0.6, packets_sent: 12000, mean_packet_size: 66 }, ['flows_per_service']],
  ['flood', { flows_started: 630, dst_addresses: 1, dst_ports: 584, dst_services: 630, udp_flows: 630, packets_sent: 30000, mean_packet_size: 600 }, ['packets_sent']],
  ['flood', { inbound_sources: 5000 }, ['inbound_sources']],
  ['dns-tunnel', { dns_queries: 80, dns_name_length: 150, dns_label_entropy: 4.6, udp_flows: 1, flows_started: 1 }, ['dns_name_length']],
  ['brute-force', { flows_started: 40, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 40, failed_handshake_share: 0, packets_sent: 640, packets_received: 540 }, ['flows_per_service']],
  ['exfiltration', { flows_started: 2, dst_services: 2, packets_sent: 1300, bytes_sent: 1_900_000, bytes_received: 40_000, out_in_ratio: 47, packets_received: 600 }, ['bytes_sent']],
  ['beacon', { flows_started: 3, dst_services: 3, packets_sent: 30, packets_received: 30, connection_regularity: 0.97 }, ['connection_regularity']],
  ['beacon', { flows_started: 1, dst_services: 1, packets_sent: 10, packets_received: 10, connection_regularity: 0.97, public_regularity: 0.97 }, ['public_regularity']],
  ['other', { flows_started: 3, dst_services: 3, packets_sent: 30, packets_received: 30, mean_flow_duration: 1000 }, ['mean_flow_duration']],
];

describe('categorize', () => {
  it.each(cases)('recognises %s', (expected, values, unusual) => {
    const [raw, z] = row(values, unusual);
    expect(categorize(raw, 0, z, 10)).toBe(expected);
  });

  it('needs a signature feature to be unusual, not just the raw shape', () => {
    const [raw, z] = row({ connection_regularity: 0.97, flows_started: 1, packets_sent: 3 }, ['packets_sent']);
    expect(categorize(raw, 0, z, 10)).toBe('other');
  });

  it('reads the row at the given offset and scales rates by the window length', () => {
    const [raw, z] = row({ flows_started: 500, dst_services: 1, flows_per_service: 500, failed_handshake_share: 1, packets_sent: 600 }, ['packets_sent']);
    const padded = new Float64Array(2 * N_FEATURES);
    padded.set(raw, N_FEATURES);
    expect(categorize(padded, N_FEATURES, z, 10)).toBe('flood'); // 60 packets/s
    expect(categorize(padded, N_FEATURES, z, 60)).toBe('other'); // 10 packets/s
  });
});

describe('severityOf', () => {
  it('is critical only for attack shapes well past the threshold', () => {
    expect(severityOf(0.9, 0.7, 'scan')).toBe('critical');
    expect(severityOf(0.72, 0.7, 'scan')).toBe('warning');
    expect(severityOf(0.99, 0.7, 'beacon')).toBe('warning');
    expect(severityOf(0.99, 0.7, 'other')).toBe('warning');
  });
});
