import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, N_FEATURES } from '../features/schema.js';
import { categorize, severityOf } from './categorize.js';

/** A raw row from named values (others 0), a z row with z=5 on the named `unusual` features, and a zero range-excess row. */
function row(values: Record<string, number>, unusual: string[]): [Float64Array, Float64Array, Float64Array] {
  const raw = new Float64Array(N_FEATURES);
  const z = new Float64Array(N_FEATURES);
  for (const [k, v] of Object.entries(values)) raw[FEATURE_NAMES.indexOf(k)] = v;
  for (const k of unusual) z[FEATURE_NAMES.indexOf(k)] = 5;
  return [raw, z, new Float64Array(N_FEATURES)];
}

// Shapes from real and synthetic captures (values per 10 s window).
const cases: [string, string, Record<string, number>, string[]][] = [
  ['scan', 'fast SYN scan of two hosts', { flows_started: 2000, dst_addresses: 2, dst_ports: 1000, dst_services: 2000, flows_per_service: 1, failed_share: 1, rst_share: 1, failed_flows: 2000, failed_ports: 900, packets_sent: 2000, packets_received: 2000, peak_packet_rate: 2000 }, ['dst_ports']],
  ['scan', 'slow scan', { flows_started: 5, dst_addresses: 4, dst_ports: 5, dst_services: 5, flows_per_service: 1, failed_share: 1, rst_share: 0.6, failed_flows: 5, failed_ports: 5, packets_sent: 5, packets_received: 3, peak_packet_rate: 1 }, ['failed_ports']],
  ['scan', 'nmap -sU', { flows_started: 1029, dst_addresses: 1, dst_ports: 1029, dst_services: 1029, flows_per_service: 1, failed_share: 1, failed_flows: 1027, failed_ports: 1027, udp_flows: 1029, udp_packets: 1029, packets_sent: 1029, packets_received: 2, peak_packet_rate: 450, unreachables_received: 991 }, ['dst_ports']],
  ['scan', 'nmap -sO', { flows_started: 256, dst_addresses: 1, dst_ports: 244, dst_services: 256, flows_per_service: 1, failed_share: 0.99, failed_flows: 254, failed_ports: 244, packets_sent: 256, packets_received: 2, peak_packet_rate: 256, unreachables_received: 252 }, ['unreachables_received']],
  ['scan', 'nmap -sT with retries', { flows_started: 569, dst_addresses: 1, dst_ports: 283, dst_services: 274, flows_per_service: 2.08, failed_share: 1, rst_share: 0.79, failed_flows: 567, failed_ports: 303, packets_sent: 1308, packets_received: 949, peak_packet_rate: 474 }, ['dst_ports', 'flows_started']],
  ['scan', 'nmap -O', { flows_started: 16, dst_addresses: 1, dst_ports: 4, dst_services: 4, flows_per_service: 4, failed_share: 0.36, failed_flows: 4, failed_ports: 2, odd_packets: 12, packets_sent: 37, packets_received: 9, peak_packet_rate: 37 }, ['odd_packets']],
  ['flood', 'SYN flood to one port', { flows_started: 11000, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 11000, failed_share: 0.6, failed_flows: 6600, packets_sent: 12000, peak_packet_rate: 3000, mean_packet_size: 66 }, ['flows_per_service']],
  ['flood', 'UDP flood to random ports', { flows_started: 29000, dst_addresses: 1, dst_ports: 1000, dst_services: 1000, flows_per_service: 29, failed_share: 1, failed_flows: 29000, udp_flows: 29000, udp_packets: 30000, packets_sent: 30000, peak_packet_rate: 3100, unreachables_received: 10 }, ['packets_sent']],
  // hping3 -S -p 8080 against an open port (loopback-a A4): every SYN gets a SYN-ACK, which the attacker's kernel resets.
  ['flood', 'SYN flood answered by an open port', { flows_started: 5737, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 5737, packets_sent: 11470, packets_received: 5737, peak_packet_rate: 11470, bytes_sent: 619600, bytes_received: 332700, mean_packet_size: 54, small_packet_share: 1, out_in_ratio: 1.862 }, ['flows_per_service', 'peak_packet_rate']],
  ['flood', '200 SYNs in 0.2 s', { flows_started: 200, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 200, failed_share: 1, failed_flows: 200, failed_ports: 1, packets_sent: 200, peak_packet_rate: 200 }, ['peak_packet_rate']],
  ['flood', 'ICMPv6 flood from a multicast source', { flows_started: 1, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 1, failed_share: 1, failed_flows: 1, icmp_packets: 1000, packets_sent: 1000, peak_packet_rate: 1000 }, ['icmp_packets', 'packets_sent']],
  ['flood', 'spoofed sources at the victim', { inbound_sources: 5000 }, ['inbound_sources']],
  ['dns-tunnel', 'iodine', { dns_queries: 80, dns_name_length: 150, dns_label_entropy: 4.6, udp_flows: 1, flows_started: 1 }, ['dns_name_length']],
  ['tunnel', 'pings carrying data', { flows_started: 1, dst_services: 1, icmp_packets: 17, icmp_echo_payload: 124, packets_sent: 17, packets_received: 17, peak_packet_rate: 4 }, ['icmp_echo_payload']],
  ['brute-force', 'fast SSH guessing', { flows_started: 40, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 40, failed_share: 0, packets_sent: 640, packets_received: 540 }, ['flows_per_service']],
  ['brute-force', 'slow SSH guessing', { flows_started: 1, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 1, packets_sent: 27, packets_received: 20, repeated_sessions: 90 }, ['repeated_sessions']],
  ['exfiltration', 'upload over HTTPS', { flows_started: 2, dst_services: 2, packets_sent: 1300, bytes_sent: 1_900_000, public_bytes_sent: 1_900_000, bytes_received: 40_000, mean_packet_size: 1460, out_in_ratio: 47, packets_received: 600, peak_packet_rate: 140 }, ['public_bytes_sent']],
  // Wide seed 7's slow exfiltration at 0.4 MB/s to an internal service the host never used: bytes as its network's backups send, but for 47 s so far.
  ['exfiltration', 'slow upload to a fresh internal service', { flows_started: 1, dst_services: 1, packets_sent: 2700, bytes_sent: 4_019_670, bytes_received: 94_000, mean_packet_size: 1488, out_in_ratio: 42.8, packets_received: 1350, peak_packet_rate: 280, fresh_upload_seconds: 47 }, ['fresh_upload_seconds']],
  ['beacon', 'periodic internal contact', { flows_started: 3, dst_services: 3, packets_sent: 30, packets_received: 30, connection_regularity: 0.97 }, ['connection_regularity']],
  ['beacon', 'periodic public contact', { flows_started: 1, dst_services: 1, packets_sent: 10, packets_received: 10, connection_regularity: 0.97, public_regularity: 0.97 }, ['public_regularity']],
  ['beacon', 'new, rare and periodic contact (loopback-a: an HTTP POST every 5 s to an internal address only this host uses)', { flows_started: 2, dst_services: 2, packets_sent: 20, packets_received: 16, connection_regularity: 0.4, beacon_score: 0.93 }, ['beacon_score']],
  ['other', 'DNS responses reflected to a victim', { flows_started: 8, dst_addresses: 1, dst_ports: 8, dst_services: 8, flows_per_service: 1, udp_flows: 8, udp_packets: 8, packets_sent: 8, peak_packet_rate: 6, out_in_ratio: 1127 }, ['dst_ports']],
  // Many short answered requests to one service carry data: not half-open.
  ['brute-force', 'many short HTTP requests to one service', { flows_started: 400, dst_addresses: 1, dst_ports: 1, dst_services: 1, flows_per_service: 400, packets_sent: 2400, packets_received: 2400, peak_packet_rate: 300, mean_packet_size: 120, small_packet_share: 0.66, out_in_ratio: 0.5 }, ['flows_per_service']],
  ['other', 'a long session', { flows_started: 3, dst_services: 3, packets_sent: 30, packets_received: 30, mean_flow_duration: 1000 }, ['mean_flow_duration']],
];

describe('categorize', () => {
  it.each(cases)('recognises %s: %s', (expected, _name, values, unusual) => {
    const [raw, z, excess] = row(values, unusual);
    expect(categorize(raw, 0, z, excess, 10)).toBe(expected);
  });

  it('needs a signature feature to be unusual, not just the raw shape', () => {
    const [raw, z, excess] = row({ connection_regularity: 0.97, flows_started: 1, packets_sent: 3 }, ['packets_sent']);
    expect(categorize(raw, 0, z, excess, 10)).toBe('other');
  });

  it('counts a feature beyond the training range as unusual whatever its z-score', () => {
    const [raw, z, excess] = row({ odd_packets: 1, flows_started: 1, dst_services: 1, packets_sent: 1 }, []);
    expect(categorize(raw, 0, z, excess, 10)).toBe('other');
    excess[FEATURE_NAMES.indexOf('odd_packets')] = 1;
    expect(categorize(raw, 0, z, excess, 10)).toBe('scan');
  });

  it('reads the row at the given offset and scales rates by the window length', () => {
    const [raw, z, excess] = row({ inbound_sources: 100 }, ['inbound_sources']);
    const padded = new Float64Array(2 * N_FEATURES);
    padded.set(raw, N_FEATURES);
    expect(categorize(padded, N_FEATURES, z, excess, 10)).toBe('flood'); // 10 new sources/s
    expect(categorize(padded, N_FEATURES, z, excess, 60)).toBe('other'); // 1.7 new sources/s
  });
});

describe('severityOf', () => {
  it('is critical only for attack shapes well past the threshold', () => {
    expect(severityOf(0.9, 0.7, 'scan')).toBe('critical');
    expect(severityOf(0.72, 0.7, 'scan')).toBe('warning');
    expect(severityOf(0.99, 0.7, 'beacon')).toBe('warning');
    expect(severityOf(0.99, 0.7, 'other')).toBe('warning');
    expect(severityOf(0.99, 0.7, 'tunnel')).toBe('critical');
  });
});
