import { describe, expect, it } from 'vitest';
import { fillPacket, HOST, ipv4 } from '../../test/support/hosts.js';
import { DecodedPacket } from '../decode/decoded-packet.js';
import { TCP_FLAG } from '../decode/tcp-flags.js';
import { FLOW_FLAG, type FlowRecord } from '../flows/flow-record.js';
import { HostWindows } from './host-windows.js';
import type { WindowBatch } from './host-windows.js';
import { FEATURE_NAMES, N_FEATURES } from './schema.js';

const { SYN, RST, ACK } = TCP_FLAG;
const { A, B, SERVER, RESOLVER } = HOST;
const ip = ipv4;

/** Drives HostWindows like the pipeline: a toy flow table assigns slots and directions. */
class Driver {
  readonly batches: WindowBatch[] = [];
  readonly hw: HostWindows;
  private readonly pkt = new DecodedPacket();
  private readonly slots = new Map<string, { slot: number; initiator: number }>();

  constructor(maxHosts = 16, windowSeconds = 10) {
    this.hw = new HostWindows({ windowSeconds, maxHosts, flowMax: 4096 }, (b) => this.batches.push(b));
  }

  send(ts: number, src: number, dst: number, proto: number, sport: number, dport: number, opts: { flags?: number; len?: number; payload?: Uint8Array; icmp?: [number, number]; slot?: number } = {}): void {
    const data = fillPacket(this.pkt, { src, dst, proto, sport, dport, ...opts });
    const fwd = `${proto}:${src}:${sport}>${dst}:${dport}`;
    const rev = `${proto}:${dst}:${dport}>${src}:${sport}`;
    let flow = this.slots.get(fwd) ?? this.slots.get(rev);
    const isNew = flow === undefined;
    if (flow === undefined) {
      // A flow table reuses the slot of an ended flow; opts.slot plays that.
      flow = { slot: opts.slot ?? this.slots.size, initiator: src };
      this.slots.set(fwd, flow);
    }
    this.hw.packet(this.pkt, data, opts.len ?? 60 + this.pkt.payloadLength, ts, flow.slot, flow.initiator !== src, isNew);
  }

  /** Reports the end of the flow in `slot` as the flow table does (a record with the fields given, the rest zero). */
  end(slot: number, fields: Partial<Omit<FlowRecord, 'src' | 'dst'>> & { src: number; dst?: number }): void {
    this.hw.flowEnded(slot, flowRecord(fields));
  }

  /** Rows of the last batch by host text. */
  rows(batch = this.batches[this.batches.length - 1]): Map<string, Record<string, number>> {
    const out = new Map<string, Record<string, number>>();
    batch.hosts.forEach((h, i) => {
      out.set(h, Object.fromEntries(FEATURE_NAMES.map((name, f) => [name, batch.raw[i * N_FEATURES + f]])));
    });
    return out;
  }
}

/** An IPv4 flow record with the fields given, the rest zero. */
function flowRecord(fields: Partial<Omit<FlowRecord, 'src' | 'dst'>> & { src: number; dst?: number }): FlowRecord {
  return {
    ipVersion: 4, proto: 6, srcPort: 0, dstPort: 0, fwdPackets: 0, fwdBytes: 0, revPackets: 0, revBytes: 0, first: 0, last: 0, flags: 0, reason: 'idle_timeout',
    ...fields,
    src: Uint32Array.of(fields.src, 0, 0, 0),
    dst: Uint32Array.of(fields.dst ?? 0, 0, 0, 0),
  };
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const DNS_QUERY = hex('1234 0100 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');
const DNS_NX = hex('1234 8183 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');
const DNS_OK = hex('1234 8180 0001 0000 0000 0000 03777777 076578616d706c65 03636f6d 00 0001 0001');

describe('HostWindows', () => {
  it('computes traffic, handshake and size features for a completed HTTPS exchange', () => {
    const d = new Driver();
    d.send(100.0, A, SERVER, 6, 40000, 443, { flags: SYN, len: 74 });
    d.send(100.01, SERVER, A, 6, 443, 40000, { flags: SYN | ACK, len: 74 });
    d.send(100.02, A, SERVER, 6, 40000, 443, { flags: ACK, len: 66 });
    d.send(100.03, A, SERVER, 6, 40000, 443, { flags: ACK, len: 600 });
    d.send(100.05, SERVER, A, 6, 443, 40000, { flags: ACK, len: 1500 });
    d.end(0, { src: A, dst: SERVER, first: 100, last: 102.5 });
    d.hw.advance(110);
    expect(d.batches).toHaveLength(1);
    const b = d.batches[0];
    expect([b.start, b.end]).toEqual([100, 110]);
    const a = d.rows().get('10.0.0.1')!;
    expect(a.flows_started).toBe(1);
    expect(a.dst_addresses).toBe(1);
    expect(a.failed_share).toBe(0);
    expect(a.rst_share).toBe(0);
    expect(a.packets_sent).toBe(3);
    expect(a.packets_received).toBe(2);
    expect(a.bytes_sent).toBe(74 + 66 + 600);
    expect(a.bytes_received).toBe(1574);
    expect(a.mean_packet_size).toBeCloseTo(740 / 3, 10);
    expect(a.small_packet_share).toBeCloseTo(2 / 3, 10);
    expect(a.mean_flow_duration).toBeCloseTo(2.5, 10);
    expect(a.out_in_ratio).toBeCloseTo(741 / 1575, 10);
    // A server contacted by one client gets no row of its own.
    expect(b.hosts).toEqual(['10.0.0.1']);
    // Transformed vectors apply log1p to counts and identity to shares.
    const i = b.hosts.indexOf('10.0.0.1');
    expect(b.vectors[i * N_FEATURES + FEATURE_NAMES.indexOf('packets_sent')]).toBeCloseTo(Math.log1p(3), 12);
    expect(b.vectors[i * N_FEATURES + FEATURE_NAMES.indexOf('small_packet_share')]).toBeCloseTo(2 / 3, 12);
  });

  it('sees a SYN scan: many ports, unanswered or reset attempts', () => {
    const d = new Driver();
    for (let port = 1; port <= 100; port++) {
      const t = 200 + port * 0.01;
      d.send(t, A, B, 6, 50000, port, { flags: SYN });
      if (port % 2 === 0) d.send(t + 0.001, B, A, 6, port, 50000, { flags: RST | ACK });
    }
    d.hw.advance(210);
    const a = d.rows().get('10.0.0.1')!;
    expect(a.flows_started).toBe(100);
    expect(a.dst_addresses).toBe(1);
    expect(a.dst_ports).toBeGreaterThan(85);
    expect(a.dst_ports).toBeLessThanOrEqual(100);
    expect(a.failed_share).toBe(1);
    expect(a.rst_share).toBeCloseTo(0.5, 10);
    expect(a.flows_per_service).toBeGreaterThanOrEqual(1);
    expect(a.flows_per_service).toBeLessThan(1.2);
  });

  it('counts distinct ports of failed attempts, not of answered ones or repeated failures to one port', () => {
    const d = new Driver();
    // Three answered attempts to 443 and four unanswered ones to 80: an ordinary client's failures share a port.
    for (let i = 0; i < 3; i++) {
      d.send(300 + i, A, SERVER, 6, 41000 + i, 443, { flags: SYN });
      d.send(300 + i + 0.01, SERVER, A, 6, 443, 41000 + i, { flags: SYN | ACK });
    }
    for (let i = 0; i < 4; i++) d.send(304 + i, A, SERVER, 6, 42000 + i, 80, { flags: SYN });
    // A slow scan: five probes to five ports, three reset and two unanswered.
    for (const [i, port] of [22, 23, 3389, 5900, 8080].entries()) {
      d.send(300 + i, B, SERVER, 6, 43000, port, { flags: SYN });
      if (i < 3) d.send(300 + i + 0.01, SERVER, B, 6, port, 43000, { flags: RST | ACK });
    }
    d.hw.advance(310);
    const rows = d.rows();
    expect(rows.get('10.0.0.1')!.failed_flows).toBe(4);
    expect(rows.get('10.0.0.1')!.failed_ports).toBe(1);
    expect(rows.get('10.0.0.2')!.failed_flows).toBe(5);
    expect(rows.get('10.0.0.2')!.failed_ports).toBe(5);
  });

  it('does not carry failed ports into the next window', () => {
    const d = new Driver();
    d.send(400, A, SERVER, 6, 44000, 22, { flags: SYN });
    d.send(401, A, SERVER, 6, 44001, 23, { flags: SYN });
    d.send(411, A, SERVER, 6, 44002, 443, { flags: SYN });
    d.send(411.01, SERVER, A, 6, 443, 44002, { flags: SYN | ACK });
    d.hw.advance(420);
    expect(d.rows(d.batches[0]).get('10.0.0.1')!.failed_ports).toBe(2);
    expect(d.rows(d.batches[1]).get('10.0.0.1')!.failed_ports).toBe(0);
  });

  it('parses DNS queries and NXDOMAIN responses', () => {
    const d = new Driver();
    d.send(300, A, RESOLVER, 17, 5000, 53, { payload: DNS_QUERY });
    d.send(300.01, RESOLVER, A, 17, 53, 5000, { payload: DNS_NX });
    d.send(301, A, RESOLVER, 17, 5001, 53, { payload: DNS_QUERY });
    d.send(301.01, RESOLVER, A, 17, 53, 5001, { payload: DNS_OK });
    d.hw.flush();
    const a = d.rows().get('10.0.0.1')!;
    expect(a.dns_queries).toBe(2);
    expect(a.dns_name_length).toBe(15);
    expect(a.nxdomain_share).toBe(0.5);
    expect(a.udp_flows).toBe(2);
    expect(a.dst_services).toBe(1);
    expect(a.flows_per_service).toBe(2);
  });

  it('gives a pure responder a fan-in row only when many distinct sources contact it', () => {
    const d = new Driver(256);
    for (let h = 0; h < 40; h++) d.send(50 + h * 0.01, ip(100, 64, 0, h), SERVER, 6, 1234, 80, { flags: SYN });
    d.hw.advance(60);
    const s = d.rows().get('93.184.216.34')!;
    expect(s.inbound_sources).toBeGreaterThanOrEqual(38);
    expect(s.inbound_sources).toBeLessThanOrEqual(40);
    expect(s.flows_started).toBe(0);
    expect(d.rows().size).toBe(41);
  });

  it('keeps connection regularity across windows for a periodic beacon', () => {
    const d = new Driver();
    // Check-ins every ~30 s, and other traffic from the host every 5 s, each time to a new address.
    for (let t = 1000; t < 1300; t += 5) {
      if (t % 30 === 10) d.send(t + ((t / 30) % 2) * 0.5, A, SERVER, 6, 41000 + t, 443, { flags: SYN });
      d.send(t + 0.2, A, ip(10, 0, 2, t % 250), 17, 30000 + t, 53);
    }
    d.hw.flush();
    const regularity = d.batches.map((b) => d.rows(b).get('10.0.0.1')!.connection_regularity);
    // Nothing before the 4th check-in (at 1090, window 9); from then on every window, check-in or not, carries it.
    expect(regularity.slice(0, 9).every((r) => r === 0)).toBe(true);
    expect(regularity.slice(9).every((r) => r > 0.95)).toBe(true);
  });

  it('reports public regularity only for outside destinations contacted periodically, from the fifth check-in', () => {
    const d = new Driver();
    // Every 30 s: a beacon to a public address and an equally periodic poll of an internal server.
    // Every 150 s: a public poll that is periodic but slower than two minutes (a captive-portal check).
    for (let t = 1000; t < 1900; t += 30) {
      d.send(t + 10, A, SERVER, 6, 41000 + t, 443, { flags: SYN });
      d.send(t + 10, B, ip(10, 0, 1, 9), 6, 41000 + t, 9100, { flags: SYN });
      if (t % 150 === 100) d.send(t + 10, ip(10, 0, 0, 3), ip(138, 197, 232, 69), 6, 41000 + t, 80, { flags: SYN });
    }
    d.hw.flush();
    const rows = (host: string) => d.batches.map((b) => d.rows(b).get(host)).filter((r) => r !== undefined);
    const a = rows('10.0.0.1');
    // Hosts only get rows in windows with traffic: one per check-in, so row k holds the (k+1)th check-in.
    expect(a).toHaveLength(30);
    expect(a.slice(0, 4).every((r) => r.public_regularity === 0)).toBe(true);
    expect(a.slice(4).every((r) => r.public_regularity > 0.95)).toBe(true);
    expect(rows('10.0.0.2').slice(3).every((r) => r.connection_regularity > 0.95)).toBe(true);
    expect(rows('10.0.0.2').every((r) => r.public_regularity === 0)).toBe(true);
    const slow = rows('10.0.0.3');
    expect(slow.length).toBeGreaterThanOrEqual(6);
    expect(slow.slice(3).every((r) => r.connection_regularity > 0.95 && r.public_regularity === 0)).toBe(true);
  });

  it('reports no public regularity for a public service several hosts poll on one schedule (an update server)', () => {
    const d = new Driver();
    const updates = ip(185, 199, 108, 25);
    // Every 30 s: A and B check the same public update server, host .3 beacons to its own public address.
    for (let t = 1000; t < 1600; t += 30) {
      d.send(t + 10, A, updates, 6, 41000 + t, 443, { flags: SYN });
      d.send(t + 12, B, updates, 6, 41000 + t, 443, { flags: SYN });
      d.send(t + 14, ip(10, 0, 0, 3), SERVER, 6, 41000 + t, 443, { flags: SYN });
    }
    d.hw.flush();
    const rows = (host: string) => d.batches.map((b) => d.rows(b).get(host)).filter((r) => r !== undefined);
    // Both pollers are as periodic as the beacon, but a service two hosts use weighs 2/3: below the 0.8 bound.
    for (const host of ['10.0.0.1', '10.0.0.2']) {
      expect(rows(host).slice(4).every((r) => r.connection_regularity > 0.95)).toBe(true);
      expect(rows(host).every((r) => r.public_regularity === 0)).toBe(true);
    }
    expect(rows('10.0.0.3').slice(4).every((r) => r.public_regularity > 0.95)).toBe(true);
  });

  it('scores a new periodic service as a beacon, but not one of many targets polled on one schedule', () => {
    /** Six hosts appear at 1000 s; from 1700 s (after A's settling time) A contacts `targets` new services every 30 s. */
    const beaconScores = (targets: number): number[] => {
      const d = new Driver();
      for (let h = 1; h <= 6; h++) d.send(1000, ip(10, 0, 0, h), ip(10, 0, 1, 1), 6, 40000, 22, { flags: SYN });
      for (let t = 1700; t < 2300; t += 30) {
        for (let k = 0; k < targets; k++) d.send(t + 3 + k * 0.1, A, ip(10, 0, 1, 50 + k), 6, 41000 + t + k, 8443, { flags: SYN });
      }
      d.hw.flush();
      return d.batches.map((b) => d.rows(b).get('10.0.0.1')?.beacon_score ?? 0);
    };
    // A beacon, alone or beside one job of the same period, scores from its fifth check-in (the last twelve windows hold the 9th to 20th).
    for (const targets of [1, 2]) expect(beaconScores(targets).slice(-12).every((s) => s >= 0.5)).toBe(true);
    // A poller checking five targets on one interval is a schedule, not five implants.
    expect(beaconScores(5).every((s) => s === 0)).toBe(true);
  });

  it('gives a host in contact with a service new to it that no other host uses its rare contact, for 18 minutes', () => {
    const d = new Driver();
    // Six hosts appear at 1000 s, each with a login service of its own history; from 1700 s (all settled), A contacts
    // a new service no other host uses, B its own login service, hosts .3 and .4 one new service they share.
    for (let h = 1; h <= 6; h++) d.send(1000, ip(10, 0, 0, h), SERVER, 6, 40000, 22, { flags: SYN });
    for (const t of [1700, 1760]) {
      d.send(t, A, ip(10, 0, 1, 50), 6, 41000 + t, 8443, { flags: SYN });
      d.send(t, B, SERVER, 6, 41000 + t, 22, { flags: SYN });
      for (const h of [3, 4]) d.send(t, ip(10, 0, 0, h), ip(10, 0, 1, 60), 6, 41000 + t, 443, { flags: SYN });
    }
    // A again, later than 18 minutes after its last contact with the new service.
    d.send(1760 + 1100, A, SERVER, 6, 43000, 22, { flags: SYN });
    d.hw.flush();
    const contact = (start: number, host: string) => {
      const b = d.batches.find((x) => x.start === start) as WindowBatch;
      return (b.rareContact as Float64Array)[b.hosts.indexOf(host)];
    };
    // The first contact is a sighting held by the admission filter; the second admits the service.
    expect(contact(1700, '10.0.0.1')).toBe(0);
    expect(contact(1760, '10.0.0.1')).toBe(1);
    expect(contact(1760, '10.0.0.2')).toBe(0);
    // Two of six hosts use it: rarity 1/2.
    expect(contact(1760, '10.0.0.3')).toBe(0.5);
    expect(contact(2860, '10.0.0.1')).toBe(0);
  });

  it('reports no public regularity for contact that is only roughly periodic', () => {
    const d = new Driver();
    // Gaps of 20, 40, 25, 35, 30, ... s: 1 - CV about 0.7, as chance revisits of one site reach.
    const gaps = [20, 40, 25, 35, 30, 20, 40, 25, 35];
    let t = 1000;
    for (const g of gaps) {
      d.send(t, A, SERVER, 6, 41000 + t, 443, { flags: SYN });
      t += g;
    }
    d.hw.flush();
    const a = d.batches.map((b) => d.rows(b).get('10.0.0.1')).filter((r) => r !== undefined);
    expect(Math.max(...a.map((r) => r.connection_regularity))).toBeGreaterThan(0.6);
    expect(a.every((r) => r.public_regularity === 0)).toBe(true);
  });

  it('starts windows over when time goes back, as when a second capture is replayed', () => {
    const d = new Driver();
    d.send(5003, A, B, 17, 1, 2);
    d.send(5012, A, B, 17, 1, 2);
    // The next file starts an hour earlier.
    d.send(1404, A, B, 17, 1, 3);
    d.send(1405, A, B, 17, 1, 3);
    d.hw.flush();
    expect(d.batches.map((b) => [b.start, d.rows(b).get('10.0.0.1')!.packets_sent])).toEqual([
      [5000, 1],
      [5010, 1],
      [1400, 2],
    ]);
  });

  it('aligns windows to multiples of the window length and skips empty ones', () => {
    const d = new Driver();
    d.send(1003.2, A, B, 17, 1, 2);
    d.send(1015, A, B, 17, 1, 2);
    d.send(5000, A, B, 17, 1, 2);
    d.hw.flush();
    expect(d.batches.map((b) => b.start)).toEqual([1000, 1010, 5000]);
    expect(d.batches.every((b) => b.end === b.start + 10)).toBe(true);
  });

  it('caps hosts per window, evicting near-idle hosts first, and counts the untracked', () => {
    const d = new Driver(4);
    // Two busy hosts first.
    for (let k = 0; k < 5; k++) {
      d.send(0.1, A, SERVER, 17, 1000 + k, 53);
      d.send(0.1, B, SERVER, 17, 1000 + k, 53);
    }
    // Then 50 one-packet hosts to one more server: the table holds 4.
    for (let h = 0; h < 50; h++) d.send(1 + h * 0.01, ip(172, 16, 0, h), ip(8, 8, 8, 8), 17, 999, 53);
    expect(d.hw.trackedHosts).toBeLessThanOrEqual(4);
    d.hw.advance(10);
    const rows = d.rows();
    expect(rows.size).toBeLessThanOrEqual(4);
    expect(rows.get('10.0.0.1')?.packets_sent).toBe(5);
    expect(rows.get('10.0.0.2')?.packets_sent).toBe(5);
    // 50 one-packet hosts and the fan-in rows of SERVER/8.8.8.8 compete for 2 places: about 49 are lost.
    expect(d.hw.untrackedHosts).toBeGreaterThanOrEqual(45);
    expect(d.hw.untrackedHosts).toBeLessThanOrEqual(53);
    const before = d.hw.untrackedHosts;
    d.send(11, A, B, 17, 7, 7);
    d.hw.flush();
    expect(d.hw.untrackedHosts).toBe(before);
    expect(d.hw.trackedHosts).toBe(0);
  });

  it('never throws on garbage DNS: a cut header is no query, a cut name is a query without name statistics', () => {
    const d = new Driver();
    d.send(1, A, RESOLVER, 17, 5000, 53, { payload: hex('ffff') });
    d.send(1, A, RESOLVER, 17, 5001, 53, { payload: hex('1234 0100 0001 0000 0000 0000 3f41') });
    d.hw.flush();
    expect(d.rows().get('10.0.0.1')?.dns_queries).toBe(1);
    expect(d.rows().get('10.0.0.1')?.dns_name_length).toBe(0);
  });

  it('judges flows of any protocol by whether they were answered in their window', () => {
    const d = new Driver();
    const V = ip(10, 0, 1, 7);
    // UDP probes: two unanswered, one answered; a datagram from a well-known port to an ephemeral one is a reply and expects nothing.
    d.send(500, A, V, 17, 40000, 161, {});
    d.send(500.1, A, V, 17, 40000, 162, {});
    d.send(500.2, A, V, 17, 40001, 53, {});
    d.send(500.21, V, A, 17, 53, 40001, {});
    d.send(500.3, A, V, 17, 123, 40002, {});
    // An unanswered ping and a probe of another IP protocol (GRE); multicast never fails.
    d.send(500.4, A, V, 1, 7, 7, { icmp: [8, 0] });
    d.send(500.5, A, V, 47, 0, 0, {});
    d.send(500.6, A, ip(224, 0, 0, 251), 17, 5353, 5353, {});
    d.hw.advance(510);
    const a = d.rows().get('10.0.0.1')!;
    expect(a.flows_started).toBe(7);
    expect(a.failed_flows).toBe(4);
    expect(a.failed_share).toBeCloseTo(4 / 5, 10);
    expect(a.failed_ports).toBe(4);
    expect(a.rst_share).toBe(0);
  });

  it('judges a flow that ends before the window closes when the table reports its end: it ended unanswered', () => {
    const d = new Driver();
    // Three probes, one every 3 s, each in the slot the previous one left when it ended.
    for (let i = 0; i < 3; i++) {
      d.send(900 + 3 * i, A, SERVER, 6, 40000 + i, 22 + i, { flags: SYN, slot: 4000 });
      if (i < 2) d.end(4000, { src: A, dst: SERVER, srcPort: 40000 + i, dstPort: 22 + i, first: 900 + 3 * i, last: 900 + 3 * i, flags: FLOW_FLAG.SYN, reason: 'table_full' });
    }
    d.hw.advance(910);
    const a = d.rows().get('10.0.0.1')!;
    expect(a.flows_started).toBe(3);
    expect(a.failed_flows).toBe(3);
    expect(a.failed_ports).toBe(3);
    expect(a.failed_share).toBe(1);
  });

  it('judges a flow started just before the window closes with the next window, unless its host is failing already', () => {
    const d = new Driver();
    // A probe host: one early unanswered probe, then a late one. A client: a DNS query 0.2 s
    // before the close, answered 50 ms into the next window.
    d.send(1002, B, SERVER, 6, 40000, 22, { flags: SYN });
    d.send(1009.8, A, RESOLVER, 17, 5000, 53, { payload: DNS_QUERY });
    d.send(1009.9, B, SERVER, 6, 40001, 23, { flags: SYN });
    d.send(1010.05, RESOLVER, A, 17, 53, 5000, { payload: DNS_OK });
    d.send(1012, A, SERVER, 6, 40002, 443, { flags: SYN });
    d.send(1012.01, SERVER, A, 6, 443, 40002, { flags: SYN | ACK });
    d.hw.advance(1020);
    const [first, second] = [d.rows(d.batches[0]), d.rows(d.batches[1])];
    expect(first.get('10.0.0.1')).toMatchObject({ failed_flows: 0, failed_share: 0 });
    expect(first.get('10.0.0.2')).toMatchObject({ failed_flows: 2, failed_share: 1 });
    // The carried query counts with the next window, answered: two flows expected answers and got them.
    expect(second.get('10.0.0.1')).toMatchObject({ failed_flows: 0, failed_share: 0 });
  });

  it('credits ICMP unreachables to the host whose packet they answer, not to their sender', () => {
    const d = new Driver();
    const V = ip(10, 0, 1, 7);
    for (let port = 1; port <= 20; port++) {
      d.send(600 + port * 0.01, A, V, 17, 50000, port, {});
      // Port unreachable (type 3 code 3), keyed by the flow table as the victim's own ICMP flow.
      d.send(600 + port * 0.01 + 0.001, V, A, 1, 3, 0, { icmp: [3, 3] });
    }
    // A time-exceeded from a router is an error too, and counts for nobody.
    d.send(601, ip(10, 0, 0, 254), A, 1, 11, 0, { icmp: [11, 0] });
    d.hw.advance(610);
    const rows = d.rows();
    expect(rows.get('10.0.0.1')!.unreachables_received).toBe(20);
    expect(rows.get('10.0.0.1')!.failed_flows).toBe(20);
    expect(rows.has('10.0.1.7')).toBe(false);
    expect(rows.has('10.0.0.254')).toBe(false);
  });

  it('counts packets with headers only probes use', () => {
    const d = new Driver();
    const FIN = 0x01;
    const PSH = 0x08;
    const URG = 0x20;
    const ECE = 0x40;
    const CWR = 0x80;
    // Ordinary: SYN, ECN SYN, RST, FIN+ACK, a ping and its reply.
    d.send(700, A, SERVER, 6, 40000, 443, { flags: SYN });
    d.send(700.1, A, SERVER, 6, 40001, 443, { flags: SYN | ECE | CWR });
    d.send(700.2, A, SERVER, 6, 40002, 443, { flags: RST });
    d.send(700.3, A, SERVER, 6, 40000, 443, { flags: FIN | ACK });
    d.send(700.4, A, SERVER, 1, 9, 9, { icmp: [8, 0] });
    // Probes: NULL, FIN, Xmas, SYN+FIN, an echo request with code 9, a timestamp request.
    for (const [i, flags] of [0, FIN, FIN | PSH | URG, SYN | FIN].entries()) d.send(701 + i * 0.1, B, SERVER, 6, 50000, 1000 + i, { flags });
    d.send(702, B, SERVER, 1, 7, 7, { icmp: [8, 9] });
    d.send(702.1, B, SERVER, 1, 8, 8, { icmp: [13, 0] });
    d.hw.advance(710);
    expect(d.rows().get('10.0.0.1')!.odd_packets).toBe(0);
    expect(d.rows().get('10.0.0.2')!.odd_packets).toBe(6);
  });

  it('measures the peak packet rate within one second, and the mean payload of pings', () => {
    const d = new Driver();
    // 200 SYNs within 0.2 s, after a slow trickle.
    for (let i = 0; i < 5; i++) d.send(800 + i, A, SERVER, 6, 30000 + i, 443, { flags: SYN });
    for (let i = 0; i < 200; i++) d.send(806.1 + i * 0.001, A, SERVER, 6, 31000 + i, 443, { flags: SYN });
    // Pings: 56-byte requests and replies, then one 1000-byte request with its reply.
    for (let i = 0; i < 3; i++) {
      d.send(801 + i, B, SERVER, 1, 5, 5, { icmp: [8, 0], payload: new Uint8Array(56) });
      d.send(801.01 + i, SERVER, B, 1, 5, 5, { icmp: [0, 0], payload: new Uint8Array(56) });
    }
    d.send(805, B, SERVER, 1, 5, 5, { icmp: [8, 0], payload: new Uint8Array(1000) });
    d.send(805.01, SERVER, B, 1, 5, 5, { icmp: [0, 0], payload: new Uint8Array(1000) });
    d.hw.advance(810);
    expect(d.rows().get('10.0.0.1')!.peak_packet_rate).toBe(200);
    expect(d.rows().get('10.0.0.1')!.packets_sent).toBe(205);
    expect(d.rows().get('10.0.0.2')!.icmp_echo_payload).toBeCloseTo((6 * 56 + 2 * 1000) / 8, 10);
    expect(d.rows().get('10.0.0.2')!.icmp_packets).toBe(4);
  });

  it('rates runs of one login-like session to a service fresh to the host, however slow, and not polls, pushes or varied sessions', () => {
    const d = new Driver();
    const session = (src: number, dst: number, port: number, first: number, held: number, bytes: number): FlowRecord => flowRecord({
      src, dst, proto: 6, srcPort: 40000, dstPort: port, fwdPackets: 12, fwdBytes: bytes / 2, revPackets: 10, revBytes: bytes / 2,
      first, last: first + held, flags: FLOW_FLAG.SYN | FLOW_FLAG.SYNACK | FLOW_FLAG.ACK | FLOW_FLAG.FIN, reason: 'tcp_close',
    });
    const CI = ip(10, 0, 2, 10);
    const COORDINATOR = ip(10, 0, 1, 40);
    // The history begins with a CI runner that polls its coordinator on a new connection every 3 s (20 ms, one size) from then on.
    for (let t = 0; t < 1200; t += 3) {
      d.send(t, CI, COORDINATOR, 6, 30000 + (t % 20000), 443, { flags: SYN });
      d.hw.flowEnded(4000, session(CI, COORDINATOR, 443, t, 0.02, 1800));
    }
    // Hosts first seen 15 minutes later, when the network is known: a slow guesser (one 5.5 kB login session every 12 s, each held
    // 8.7 s: never within 3 s of the last), a poller (a 20 ms banner check of SERVER:22 every 12 s), a browser (sessions of varied size).
    const GUESSER = A;
    const POLLER = ip(10, 0, 1, 6);
    const BROWSER = ip(10, 0, 0, 3);
    for (let i = 0; i < 20; i++) {
      const t = 900 + 12 * i;
      d.send(t, GUESSER, B, 6, 40000 + i, 22, { flags: SYN });
      d.send(t, POLLER, SERVER, 6, 40000 + i, 22, { flags: SYN });
      d.send(t, BROWSER, SERVER, 6, 40000 + i, 443, { flags: SYN });
      // Slots past the driver's: these sessions' packets are not replayed, only their ends.
      d.hw.flowEnded(4001, session(GUESSER, B, 22, t, 8.7, 5500 + (i % 3) * 60));
      d.hw.flowEnded(4002, session(POLLER, SERVER, 22, t, 0.02, 5600));
      d.hw.flowEnded(4003, session(BROWSER, SERVER, 443, t, 2, 2000 * 1.7 ** (i % 9)));
    }
    d.send(1199, GUESSER, B, 6, 41000, 80, { flags: SYN });
    d.hw.advance(1200);
    const rate = (host: string) => d.batches.map((b) => d.rows(b).get(host)?.repeated_sessions ?? 0);
    const guesser = rate('10.0.0.1');
    // Reported from the third session on, in sessions per hour (count × 3600 / 300): twenty sessions 12 s apart decay to a count of 14.
    expect(Math.max(...guesser)).toBeGreaterThan(160);
    expect(guesser.filter((v) => v > 0).every((v) => v >= 36)).toBe(true);
    // Over when the sessions stop: two periods and the 10 s reporting lag after the last one.
    expect(guesser.at(-1)).toBe(0);
    for (const other of ['10.0.2.10', '10.0.1.6', '10.0.0.3']) expect(Math.max(...rate(other)), other).toBe(0);
  });

  it('times a host\'s upload to a service fresh to it while it runs, in whole megabytes, and not uploads to its history, bursts or trickles', () => {
    const d = new Driver();
    const BACKUP = ip(10, 0, 5, 5);
    const DROP = ip(10, 0, 3, 3);
    const FULL = 1500;
    // Packets to send in time order: `bytes` from src to dst:port in full-size packets, `rate` bytes per second from t0, on one connection.
    const packets: [number, () => void][] = [];
    const upload = (t0: number, src: number, dst: number, sport: number, dport: number, bytes: number, rate: number) => {
      packets.push([t0, () => d.send(t0, src, dst, 6, sport, dport, { flags: SYN, len: 74 })]);
      packets.push([t0 + 0.001, () => d.send(t0 + 0.001, dst, src, 6, dport, sport, { flags: SYN | ACK, len: 74 })]);
      for (let sent = 0, t = t0 + 0.002; sent < bytes; sent += FULL, t += FULL / rate) {
        const at = t;
        packets.push([at, () => d.send(at, src, dst, 6, sport, dport, { flags: ACK, len: FULL })]);
      }
    };
    // The history begins with A backing up 3 MB to its backup server and B browsing; both hosts are settled after ten minutes.
    upload(0, A, BACKUP, 40000, 873, 3e6, 5e6);
    packets.push([5, () => d.send(5, B, SERVER, 6, 40001, 443, { flags: SYN })]);
    // Fifteen minutes later, A backs up 12 MB again on a new connection at 0.3 MB/s (a service of its history), while it uploads
    // 9 MB to a service it never used at 0.3 MB/s, and B sends 0.9 MB to that service (below a megabyte: never reported).
    upload(900, A, BACKUP, 40002, 873, 12e6, 3e5);
    upload(900, A, DROP, 40003, 8443, 9e6, 3e5);
    upload(900, B, DROP, 40004, 8443, 9e5, 3e5);
    // A keep-alive connection of B to the new service that reaches a megabyte only now and then: 100 kB every 30 s.
    upload(930, B, DROP, 41000, 9000, 1e5, 1e6);
    for (let k = 1; k < 40; k++) {
      for (let i = 0; i < 1e5 / FULL; i++) {
        const at = 930 + 30 * k + i * 0.001;
        packets.push([at, () => d.send(at, B, DROP, 6, 41000, 9000, { flags: ACK, len: FULL })]);
      }
    }
    for (const [, send] of packets.sort((x, y) => x[0] - y[0])) send();
    d.hw.advance(2200);
    const seconds = (host: string) => new Map(d.batches.map((b) => [b.start, d.rows(b).get(host)?.fresh_upload_seconds ?? 0]));
    const a = seconds('10.0.0.1');
    // The first megabyte (1 MB + 74 SYN bytes) is sent 3.5 s after A's upload starts; each next one 1048576 / 3e5 = 3.5 s later.
    // The run's time is that of the window's last megabyte since the first: 2 megabytes in [900, 910), 5 by 920, 8 by 930.
    const first = 900.002 + (Math.ceil((2 ** 20 - 74) / FULL) - 1) * (FULL / 3e5);
    const at = (n: number) => 900.002 + (Math.ceil((n * 2 ** 20 - 74) / FULL) - 1) * (FULL / 3e5) - first;
    expect(a.get(900)).toBeCloseTo(at(2), 6);
    expect(a.get(910)).toBeCloseTo(at(5), 6);
    expect(a.get(920)).toBeCloseTo(at(8), 6);
    expect(a.get(930)).toBe(0);
    // The backup, still running, counts nothing; B's short upload never reaches a megabyte; its keep-alive connection's megabytes
    // come minutes apart, each a run of its own.
    expect(Math.max(...seconds('10.0.0.2').values())).toBe(0);
    expect(Math.max(...[...a.entries()].filter(([t]) => t < 900).map(([, v]) => v))).toBe(0);
  });
});

