import { describe, expect, it } from 'vitest';
import { DecodedPacket } from '../decode/decoded-packet.js';
import { ipText } from '../util/ip-text.js';
import { END_REASONS, FLOW_FLAG, type FlowRecord } from './flow-record.js';
import { DEFAULT_TIMEOUTS, FlowTable } from './flow-table.js';

const TCP = 6;
const UDP = 17;
const ICMP = 1;

function v4(a: string): number {
  return a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0;
}

/** Builds an IPv4 transport packet by hand. */
function pkt(src: string, sport: number, dst: string, dport: number, proto = TCP, tcpFlags = 0): DecodedPacket {
  const p = new DecodedPacket();
  p.ipVersion = 4;
  p.src[0] = v4(src);
  p.dst[0] = v4(dst);
  p.ipProto = proto;
  p.hasL4 = true;
  p.srcPort = sport;
  p.dstPort = dport;
  p.tcpFlags = tcpFlags;
  return p;
}

/** An ended flow as the sink saw it: its slot, and addresses in text form (the table reuses its record). */
type Ended = Omit<FlowRecord, 'src' | 'dst'> & { slot: number; src: string; dst: string };

function table(flowMax = 16, timeouts = DEFAULT_TIMEOUTS) {
  const ended: Ended[] = [];
  const t = new FlowTable(flowMax, timeouts, {
    flowEnded: (slot, f) => ended.push({ ...f, slot, src: ipText(f.ipVersion, f.src), dst: ipText(f.ipVersion, f.dst) }),
  });
  return { t, ended };
}

describe('FlowTable', () => {
  it('puts both directions of a TCP connection in one flow with per-direction counts and flags', () => {
    const { t, ended } = table();
    const s1 = t.update(pkt('10.0.0.9', 40000, '10.0.0.1', 80, TCP, 0x02), 60, 1);
    expect(t.lastNew).toBe(true);
    expect(t.lastReverse).toBe(false);
    const s2 = t.update(pkt('10.0.0.1', 80, '10.0.0.9', 40000, TCP, 0x12), 60, 1.1);
    expect(s2).toBe(s1);
    expect(t.lastNew).toBe(false);
    expect(t.lastReverse).toBe(true);
    t.update(pkt('10.0.0.9', 40000, '10.0.0.1', 80, TCP, 0x10), 1500, 1.2);
    t.update(pkt('10.0.0.1', 80, '10.0.0.9', 40000, TCP, 0x04), 54, 1.3);
    t.flush();
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      src: '10.0.0.9', dst: '10.0.0.1', srcPort: 40000, dstPort: 80, proto: TCP,
      fwdPackets: 2, fwdBytes: 1560, revPackets: 2, revBytes: 114, first: 1, last: 1.3, reason: 'shutdown',
    });
    expect(ended[0].flags).toBe(FLOW_FLAG.SYN | FLOW_FLAG.SYNACK | FLOW_FLAG.ACK | FLOW_FLAG.RST);
  });

  it('keeps the initiator when the higher address speaks first', () => {
    const { t, ended } = table();
    t.update(pkt('192.168.1.200', 53, '10.0.0.1', 5353, UDP), 100, 5);
    t.update(pkt('10.0.0.1', 5353, '192.168.1.200', 53, UDP), 80, 5.5);
    t.flush();
    expect(ended[0]).toMatchObject({ src: '192.168.1.200', srcPort: 53, fwdBytes: 100, revBytes: 80 });
  });

  it('matches ICMP echo request and reply by identifier (RFC 792)', () => {
    const { t, ended } = table();
    const req = pkt('10.0.0.2', 0, '10.0.0.3', 0, ICMP);
    req.icmpType = 8;
    req.icmpId = 0x1234;
    const rep = pkt('10.0.0.3', 0, '10.0.0.2', 0, ICMP);
    rep.icmpType = 0;
    rep.icmpId = 0x1234;
    const other = pkt('10.0.0.2', 0, '10.0.0.3', 0, ICMP);
    other.icmpType = 8;
    other.icmpId = 0x9999;
    const a = t.update(req, 98, 1);
    expect(t.update(rep, 98, 1.001)).toBe(a);
    expect(t.update(other, 98, 1.002)).not.toBe(a);
    t.flush();
    expect(ended.map((f) => [f.src, f.srcPort, f.dstPort, f.fwdPackets, f.revPackets])).toEqual(
      expect.arrayContaining([['10.0.0.2', 8, 0x1234, 1, 1], ['10.0.0.2', 8, 0x9999, 1, 0]]),
    );
  });

  it('tracks IPv6 flows on all four address words', () => {
    const { t, ended } = table();
    const p = pkt('0.0.0.0', 1000, '0.0.0.0', 443, UDP);
    p.ipVersion = 6;
    p.src.set([0x20010db8, 0, 0, 1]);
    p.dst.set([0x20010db8, 0, 0, 2]);
    const q = pkt('0.0.0.0', 1000, '0.0.0.0', 443, UDP);
    q.ipVersion = 6;
    q.src.set([0x20010db8, 0, 1, 1]);
    q.dst.set([0x20010db8, 0, 0, 2]);
    expect(t.update(p, 100, 1)).not.toBe(t.update(q, 100, 1));
    t.flush();
    expect(ended.map((f) => f.src).sort()).toEqual(['2001:db8::1', '2001:db8::1:0:1']);
  });

  it('reports ports and IPv6 addresses in initiator order whichever endpoint sorts first, equal ports included', () => {
    const { t, ended } = table();
    const v6 = (src: number[], sport: number, dst: number[], dport: number) => {
      const p = pkt('0.0.0.0', sport, '0.0.0.0', dport, UDP);
      p.ipVersion = 6;
      p.src.set(src);
      p.dst.set(dst);
      return p;
    };
    const hi = [0x20010db8, 0, 0, 9];
    const lo = [0x20010db8, 0, 0, 1];
    const a = t.update(v6(hi, 5000, lo, 53), 100, 1);
    expect(t.update(v6(lo, 53, hi, 5000), 80, 2)).toBe(a);
    const b = t.update(pkt('10.0.0.9', 123, '10.0.0.1', 123, UDP), 90, 3);
    expect(t.update(pkt('10.0.0.1', 123, '10.0.0.9', 123, UDP), 90, 4)).toBe(b);
    expect(t.lastReverse).toBe(true);
    t.flush();
    expect(ended.map((f) => [f.src, f.srcPort, f.dst, f.dstPort, f.fwdBytes, f.revBytes])).toEqual([
      ['2001:db8::9', 5000, '2001:db8::1', 53, 100, 80],
      ['10.0.0.9', 123, '10.0.0.1', 123, 90, 90],
    ]);
  });

  it('ends flows on their protocol idle timeout, sooner after FIN or RST', () => {
    const { t, ended } = table(16, { ...DEFAULT_TIMEOUTS, tcp: 100, tcpClosed: 5, udp: 30 });
    t.update(pkt('10.0.0.1', 1, '10.0.0.2', 2, TCP, 0x02), 60, 0);
    t.update(pkt('10.0.0.1', 3, '10.0.0.2', 4, TCP, 0x02), 60, 0);
    t.update(pkt('10.0.0.1', 3, '10.0.0.2', 4, TCP, 0x11), 60, 1);
    t.update(pkt('10.0.0.1', 5, '10.0.0.2', 6, UDP), 60, 0);
    t.expire(5.9);
    expect(ended).toHaveLength(0);
    t.expire(6);
    expect(ended.map((f) => [f.srcPort, f.reason])).toEqual([[3, 'tcp_close']]);
    t.expire(30);
    expect(ended.map((f) => [f.srcPort, f.reason])).toEqual([[3, 'tcp_close'], [5, 'idle_timeout']]);
    t.expire(99);
    expect(t.active).toBe(1);
    t.expire(100);
    expect(t.active).toBe(0);
    expect(ended[2]).toMatchObject({ srcPort: 1, reason: 'idle_timeout' });
  });

  it('restarts a flow that outlives the active timeout', () => {
    const { t, ended } = table(16, { ...DEFAULT_TIMEOUTS, active: 60 });
    t.update(pkt('10.0.0.1', 1, '10.0.0.2', 2, UDP), 60, 0);
    t.update(pkt('10.0.0.1', 1, '10.0.0.2', 2, UDP), 60, 59);
    t.update(pkt('10.0.0.1', 1, '10.0.0.2', 2, UDP), 60, 61);
    expect(t.lastNew).toBe(true);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ fwdPackets: 2, reason: 'active_timeout' });
    expect(t.created[UDP]).toBe(2);
  });

  it('evicts the least recently seen flow when full and counts it', () => {
    const { t, ended } = table(3);
    for (let i = 0; i < 3; i++) t.update(pkt('10.0.0.1', 1000 + i, '10.0.0.2', 80, UDP), 60, i);
    t.update(pkt('10.0.0.1', 1000, '10.0.0.2', 80, UDP), 60, 10); // refresh the oldest
    t.update(pkt('10.0.0.1', 2000, '10.0.0.2', 80, UDP), 60, 11);
    expect(t.active).toBe(3);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ srcPort: 1001, reason: 'table_full' });
    expect(t.ended[END_REASONS.indexOf('table_full')]).toBe(1);
  });

  it('reports each ended flow with the slot its packets were given, and its addresses as words in initiator order', () => {
    const words: number[][] = [];
    const slots: number[] = [];
    const t = new FlowTable(2, DEFAULT_TIMEOUTS, {
      flowEnded: (slot, f) => {
        slots.push(slot);
        words.push([...f.src, ...f.dst]);
      },
    });
    const a = t.update(pkt('10.0.0.9', 1000, '10.0.0.1', 53, UDP), 60, 1);
    const b = t.update(pkt('10.0.0.2', 1000, '10.0.0.1', 53, UDP), 60, 2);
    const c = t.update(pkt('10.0.0.3', 1000, '10.0.0.1', 53, UDP), 60, 3);
    // The third flow evicted the first and took its slot, after the sink heard of the first's end.
    expect(c).toBe(a);
    expect(slots).toEqual([a]);
    t.flush();
    expect(slots).toEqual([a, b, c]);
    expect(words[0]).toEqual([v4('10.0.0.9'), 0, 0, 0, v4('10.0.0.1'), 0, 0, 0]);
  });

  it('ignores packets without IP and later fragments', () => {
    const { t } = table();
    const p = new DecodedPacket();
    expect(t.update(p, 60, 1)).toBe(-1);
    const f = pkt('10.0.0.1', 0, '10.0.0.2', 0, UDP);
    f.fragment = 2;
    f.hasL4 = false;
    expect(t.update(f, 60, 1)).toBe(-1);
  });

  it('agrees with a Map-based reference on random traffic, through evictions', () => {
    // Oracle: a naive table keyed by a string of the sorted endpoints.
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const flowMax = 64;
    const { t, ended } = table(flowMax, { ...DEFAULT_TIMEOUTS, tcp: 1e9, udp: 1e9, active: 1e9 });
    const ref = new Map<string, { fwd: number; rev: number; last: number; init: string }>();
    const refEnded: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const a = `10.0.${rnd(3)}.${rnd(5)}`;
      const b = `10.0.${rnd(3)}.${rnd(5)}`;
      const pa = 1000 + rnd(4);
      const pb = 80 + rnd(2);
      const ka = `${a}:${pa}`;
      const kb = `${b}:${pb}`;
      const key = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
      let e = ref.get(key);
      if (!e) {
        if (ref.size === flowMax) {
          let oldest = '';
          let when = Infinity;
          for (const [k, v] of ref) if (v.last < when) [oldest, when] = [k, v.last];
          const v = ref.get(oldest)!;
          refEnded.push(`${v.init} ${v.fwd}/${v.rev}`);
          ref.delete(oldest);
        }
        e = { fwd: 0, rev: 0, last: 0, init: ka };
        ref.set(key, e);
      }
      if (e.init === ka) e.fwd++;
      else e.rev++;
      e.last = i;
      t.update(pkt(a, pa, b, pb, UDP), 60, i);
    }
    t.flush();
    for (const v of ref.values()) refEnded.push(`${v.init} ${v.fwd}/${v.rev}`);
    const got = ended.map((f) => `${f.src}:${f.srcPort} ${f.fwdPackets}/${f.revPackets}`);
    expect(got.sort()).toEqual(refEnded.sort());
    expect(t.active).toBe(0);
  });

  it('agrees with a Map-based reference when flows end out of order (idle timeouts, closes, active timeouts) and slots are reused', () => {
    // Many short-lived flows in a small table: every end takes a flow out of the middle of a probe run.
    let seed = 3;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const timeouts = { ...DEFAULT_TIMEOUTS, tcp: 40, tcpClosed: 3, udp: 9, active: 70 };
    const { t, ended } = table(640, timeouts);
    const ref = new Map<string, { first: number; last: number; closed: boolean; n: number }>();
    const refEnded: string[] = [];
    const endRef = (key: string, reason: string) => {
      const e = ref.get(key)!;
      refEnded.push(`${key} ${e.n} ${reason}`);
      ref.delete(key);
    };
    for (let i = 0; i < 30000; i++) {
      const now = i / 100;
      if (i % 100 === 0) {
        t.expire(now);
        for (const [key, e] of [...ref]) {
          const idle = key.startsWith('u') ? timeouts.udp : e.closed ? timeouts.tcpClosed : timeouts.tcp;
          if (e.last <= now - idle) endRef(key, e.closed ? 'tcp_close' : 'idle_timeout');
        }
      }
      const udp = rnd(2) === 0;
      const host = `10.${rnd(2)}.0.${rnd(50)}`;
      const port = 1000 + rnd(3);
      const key = `${udp ? 'u' : 't'} ${host}:${port}`;
      const fin = !udp && rnd(8) === 0;
      let e = ref.get(key);
      if (e && now - e.first > timeouts.active) {
        endRef(key, 'active_timeout');
        e = undefined;
      }
      if (!e) {
        // 2 protocols × 100 hosts × 3 ports: the table never fills.
        e = { first: now, last: now, closed: false, n: 0 };
        ref.set(key, e);
      }
      e.n++;
      e.last = now;
      if (fin) e.closed = true;
      t.update(pkt(host, port, '10.9.9.9', 80, udp ? UDP : TCP, fin ? 0x11 : 0x10), 60, now);
    }
    t.flush();
    for (const key of [...ref.keys()]) endRef(key, 'shutdown');
    const got = ended.map((f) => `${f.proto === UDP ? 'u' : 't'} ${f.src}:${f.srcPort} ${f.fwdPackets} ${f.reason}`);
    expect(got.sort()).toEqual(refEnded.sort());
    expect(t.ended[END_REASONS.indexOf('table_full')]).toBe(0);
    expect(t.active).toBe(0);
  });

  it('still finds the flows a failed flush did not end, and ends each of them once', () => {
    let calls = 0;
    const ended: number[] = [];
    const t = new FlowTable(64, DEFAULT_TIMEOUTS, {
      flowEnded: (_slot, f) => {
        if (++calls === 5) throw new Error('sink failed');
        ended.push(f.srcPort);
      },
    });
    const slots = Array.from({ length: 10 }, (_, i) => t.update(pkt('10.0.0.1', 1000 + i, '10.0.0.2', 80, UDP), 60, i));
    expect(() => t.flush()).toThrow('sink failed');
    // Flows 0..4 ended (the fifth in a failed call); 5..9 are still held at their slots.
    expect(t.active).toBe(5);
    for (let i = 5; i < 10; i++) {
      expect(t.update(pkt('10.0.0.2', 80, '10.0.0.1', 1000 + i, UDP), 60, 20)).toBe(slots[i]);
      expect(t.lastNew).toBe(false);
    }
    expect(t.update(pkt('10.0.0.1', 1000, '10.0.0.2', 80, UDP), 60, 21)).toBeGreaterThanOrEqual(0);
    expect(t.lastNew).toBe(true);
    t.flush();
    expect(ended).toEqual([1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1000]);
    expect(t.active).toBe(0);
  });

  it('ends, finds and adds flows while a doubled index is still taking over the old one', () => {
    const { t, ended } = table(5000, { ...DEFAULT_TIMEOUTS, udp: 10 });
    const host = (i: number) => `10.1.${(i >> 8) & 255}.${i & 255}`;
    const slots: number[] = [];
    // 513 flows double the 1024 buckets; the old ones are moved over during the next 128 new flows.
    for (let i = 0; i < 520; i++) slots.push(t.update(pkt(host(i), 1000, '10.255.0.1', 53, UDP), 60, i < 260 ? 0 : 5));
    expect(t.bucketCount).toBe(2048);
    // Half of them end before they are moved; the rest are still found, each in one flow.
    t.expire(10);
    expect(ended).toHaveLength(260);
    for (let i = 260; i < 520; i++) {
      expect(t.update(pkt('10.255.0.1', 53, host(i), 1000, UDP), 60, 6)).toBe(slots[i]);
      expect(t.lastNew).toBe(false);
    }
    for (let i = 0; i < 260; i++) {
      t.update(pkt(host(i), 1000, '10.255.0.1', 53, UDP), 60, 7);
      expect(t.lastNew).toBe(true);
    }
    expect(t.active).toBe(520);
    t.flush();
    expect(ended).toHaveLength(780);
    expect(ended.reduce((sum, f) => sum + f.fwdPackets + f.revPackets, 0)).toBe(1040);
  });

  it('grows its hash buckets with the flows held, up to twice flowMax, and finds every flow after each growth', () => {
    const flowMax = 5000;
    const { t, ended } = table(flowMax);
    expect(t.bucketCount).toBe(1024);
    const n = 4500;
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      slots.push(t.update(pkt(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1000 + (i % 7), '10.255.0.1', 80, UDP), 60, 1));
      expect(t.lastNew).toBe(true);
      expect(t.active * 2).toBeLessThanOrEqual(t.bucketCount);
    }
    expect(t.bucketCount).toBe(16384);
    for (let i = 0; i < n; i++) {
      // The reply direction must land on the slot its request opened, after every growth.
      expect(t.update(pkt('10.255.0.1', 80, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1000 + (i % 7), UDP), 40, 2)).toBe(slots[i]);
      expect(t.lastNew).toBe(false);
      expect(t.lastReverse).toBe(true);
    }
    // Past flowMax the table evicts one flow per new flow and never grows beyond twice flowMax.
    for (let i = n; i < n + 2000; i++) t.update(pkt(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1000, '10.255.0.1', 80, UDP), 60, 3);
    expect(t.bucketCount).toBe(16384);
    expect(t.active).toBe(flowMax);
    expect(t.ended[END_REASONS.indexOf('table_full')]).toBe(n + 2000 - flowMax);
    expect(ended).toHaveLength(n + 2000 - flowMax);
    t.flush();
    expect(ended.reduce((sum, f) => sum + f.fwdPackets + f.revPackets, 0)).toBe(2 * n + 2000);
  });
});
