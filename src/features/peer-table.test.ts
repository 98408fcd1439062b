import { describe, expect, it } from 'vitest';
import { PEER_SLOTS, PeerTable } from './peer-table.js';

const v4 = (a: number, b: number, c: number, d: number) => Uint32Array.of(((a << 24) | (b << 16) | (c << 8) | d) >>> 0, 0, 0, 0);

describe('PeerTable', () => {
  it('counts packets per (address, port) exactly while the destinations fit its slots', () => {
    const t = new PeerTable(2);
    for (let i = 0; i < 30; i++) t.add(1, 4, v4(192, 0, 2, 7), 0, 80);
    for (let i = 0; i < 10; i++) t.add(1, 4, v4(192, 0, 2, 7), 0, 443);
    for (let i = 0; i < 3; i++) t.add(1, 4, v4(198, 51, 100, 1), 0, -1);
    expect(t.top(1)).toEqual([
      { address: '192.0.2.7', port: 80, packets: 30 },
      { address: '192.0.2.7', port: 443, packets: 10 },
      { address: '198.51.100.1', packets: 3 },
    ]);
    expect(t.top(0)).toEqual([]);
  });

  it('keeps a heavy destination among many light ones and reports at most the limit', () => {
    const t = new PeerTable(1);
    for (let i = 0; i < 1000; i++) {
      t.add(0, 4, v4(10, 0, (i >> 8) & 255, i & 255), 0, 1024 + i);
      if (i % 2 === 0) t.add(0, 4, v4(203, 0, 113, 9), 0, 22);
    }
    const top = t.top(0, 5);
    expect(top).toHaveLength(5);
    expect(top[0]).toMatchObject({ address: '203.0.113.9', port: 22 });
    // Space-saving overestimates by at most the smallest kept count: 1000 other packets over PEER_SLOTS slots.
    expect(top[0].packets).toBeGreaterThanOrEqual(500);
    expect(top[0].packets).toBeLessThanOrEqual(500 + 1000 / (PEER_SLOTS - 1));
  });

  it('merges by adding the counts of the same destination', () => {
    const a = new PeerTable(1);
    const b = new PeerTable(3);
    for (let i = 0; i < 5; i++) a.add(0, 4, v4(192, 0, 2, 1), 0, 53);
    a.add(0, 4, v4(192, 0, 2, 2), 0, 53);
    for (let i = 0; i < 7; i++) b.add(2, 4, v4(192, 0, 2, 1), 0, 53);
    for (let i = 0; i < 9; i++) b.add(2, 4, v4(192, 0, 2, 3), 0, 123);
    a.merge(0, b, 2);
    expect(a.top(0)).toEqual([
      { address: '192.0.2.1', port: 53, packets: 12 },
      { address: '192.0.2.3', port: 123, packets: 9 },
      { address: '192.0.2.2', port: 53, packets: 1 },
    ]);
  });

  it('tells IPv6 destinations apart by all their words and clears an entry', () => {
    const t = new PeerTable(1);
    const x = Uint32Array.of(0x20010db8, 0, 0, 1);
    const y = Uint32Array.of(0x20010db8, 0, 0, 2);
    t.add(0, 6, x, 0, 443);
    t.add(0, 6, y, 0, 443, 4);
    expect(t.top(0)).toEqual([
      { address: '2001:db8::2', port: 443, packets: 4 },
      { address: '2001:db8::1', port: 443, packets: 1 },
    ]);
    t.clear(0);
    expect(t.top(0)).toEqual([]);
  });
});
