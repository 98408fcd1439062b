import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Anomaly, AnomalyCategory } from '../model/anomaly.js';
import { TopHosts } from './top-hosts.js';

function anomaly(host: string, score: number, windowStart = 1000, category: AnomalyCategory = 'scan'): Anomaly {
  return {
    window_start: windowStart,
    window_end: windowStart + 10,
    host,
    score,
    threshold: 0.6,
    category,
    severity: score >= 0.8 ? 'critical' : 'warning',
    top_features: [{ feature: 'syn_ratio', value: 0.9, median: 0.1 }],
    peers: [{ address: '192.0.2.80', port: 22, packets: 40 }],
    model_generation: 1,
  };
}

const hosts = (top: TopHosts): string[] => top.entries().map((e) => e.host);

describe('TopHosts', () => {
  it('lists the k highest scores, highest first, with the fields the gauge needs', () => {
    const top = new TopHosts(2);
    top.observe(anomaly('10.0.0.1', 0.7));
    top.observe(anomaly('10.0.0.2', 0.9, 1000, 'flood'));
    top.observe(anomaly('10.0.0.3', 0.8));
    expect(top.entries()).toEqual([
      {
        host: '10.0.0.2',
        score: 0.9,
        category: 'flood',
        severity: 'critical',
        top_features: [{ feature: 'syn_ratio', value: 0.9, median: 0.1 }],
        peers: [{ address: '192.0.2.80', port: 22, packets: 40 }],
      },
      expect.objectContaining({ host: '10.0.0.3', score: 0.8 }),
    ]);
  });

  it("keeps a host's latest anomaly, even when it scores lower, and ignores an older one", () => {
    const top = new TopHosts(3);
    top.observe(anomaly('10.0.0.1', 0.9, 1000, 'scan'));
    top.observe(anomaly('10.0.0.1', 0.65, 1010, 'beacon'));
    top.observe(anomaly('10.0.0.1', 0.99, 990, 'flood'));
    expect(top.entries()).toEqual([expect.objectContaining({ host: '10.0.0.1', score: 0.65, category: 'beacon' })]);
  });

  it('drops a host holdSeconds after its window ended', () => {
    const top = new TopHosts(5, 300);
    top.observe(anomaly('10.0.0.1', 0.9, 1000)); // window ends at 1010
    top.observe(anomaly('10.0.0.2', 0.7, 1100)); // window ends at 1110
    top.expire(1309);
    expect(hosts(top)).toEqual(['10.0.0.1', '10.0.0.2']);
    top.expire(1310);
    expect(hosts(top)).toEqual(['10.0.0.2']);
    top.expire(1410);
    expect(hosts(top)).toEqual([]);
  });

  it('holds at most 4×k candidates, evicting the lowest score and ignoring a weaker newcomer', () => {
    const top = new TopHosts(2, 300);
    // Lower scores get later windows, so expiring the others reveals which low scorers were kept.
    for (let i = 0; i < 8; i++) top.observe(anomaly(`10.0.1.${i}`, 0.61 + i * 0.01, 2000 - 100 * i));
    expect(top.size).toBe(8);
    top.observe(anomaly('weak', 0.6, 3000)); // weaker than every candidate: not admitted
    expect(top.size).toBe(8);
    top.observe(anomaly('strong', 0.95, 0)); // evicts 10.0.1.0, the lowest score
    expect(top.size).toBe(8);
    expect(hosts(top)).toEqual(['strong', '10.0.1.7']);
    top.expire(1810 + 300); // leaves only windows ending after 1810: 10.0.1.1, and 10.0.1.0 or weak had they been kept
    expect(hosts(top)).toEqual(['10.0.1.1']);
  });

  it('evicts the older of equal lowest scores', () => {
    const top = new TopHosts(1, 300);
    top.observe(anomaly('old', 0.7, 1000));
    top.observe(anomaly('new', 0.7, 2000));
    top.observe(anomaly('a', 0.9, 1500));
    top.observe(anomaly('b', 0.8, 1700));
    top.observe(anomaly('c', 0.75, 1900)); // full: evicts 'old'
    expect(top.size).toBe(4);
    top.expire(1910 + 300); // only 'new' (window ends 2010) is still held
    expect(hosts(top)).toEqual(['new']);
  });

  it('configure() shrinks to the strongest 4×k candidates and applies the new hold time', () => {
    const top = new TopHosts(2, 300);
    for (let i = 1; i <= 8; i++) top.observe(anomaly(`10.0.0.${i}`, 0.6 + i * 0.04, 1000));
    top.configure(1, 50);
    expect(top.size).toBe(4);
    expect(hosts(top)).toEqual(['10.0.0.8']);
    top.expire(1059);
    expect(top.size).toBe(4);
    top.expire(1060);
    expect(top.size).toBe(0);
    expect(() => top.configure(0, 1)).toThrow(RangeError);
  });

  it('rejects a k that is not a positive integer', () => {
    expect(() => new TopHosts(0)).toThrow(RangeError);
    expect(() => new TopHosts(1.5)).toThrow(RangeError);
    expect(() => new TopHosts(3, -1)).toThrow(RangeError);
  });
});

describe('TopHosts behind a prom-client Gauge', () => {
  const NAME = 'netscore_top_host_anomaly_score';

  function setup(k: number): { top: TopHosts; registry: Registry } {
    const top = new TopHosts(k);
    const registry = new Registry();
    new Gauge({
      name: NAME,
      help: 'Score of the most anomalous hosts.',
      labelNames: ['host', 'category', 'severity'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const e of top.entries()) this.set({ host: e.host, category: e.category, severity: e.severity }, e.score);
      },
    });
    return { top, registry };
  }

  async function series(registry: Registry): Promise<string[]> {
    return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${NAME}{`));
  }

  it('removes the series of a host that drops out and never exposes more than k', async () => {
    const { top, registry } = setup(3);
    for (let i = 1; i <= 6; i++) top.observe(anomaly(`10.0.0.${i}`, 0.6 + i * 0.05, 1000));
    expect(await series(registry)).toEqual([
      `${NAME}{host="10.0.0.6",category="scan",severity="critical"} 0.9`,
      `${NAME}{host="10.0.0.5",category="scan",severity="critical"} 0.85`,
      `${NAME}{host="10.0.0.4",category="scan",severity="critical"} 0.8`,
    ]);

    top.observe(anomaly('10.0.0.1', 0.95, 1100)); // climbs in; pushes 10.0.0.4 out
    const afterClimb = await series(registry);
    expect(afterClimb).toHaveLength(3);
    expect(afterClimb.some((l) => l.includes('host="10.0.0.4"'))).toBe(false);
    expect(afterClimb[0]).toBe(`${NAME}{host="10.0.0.1",category="scan",severity="critical"} 0.95`);

    top.expire(1010 + 300); // everything but 10.0.0.1 expires
    expect(await series(registry)).toEqual([`${NAME}{host="10.0.0.1",category="scan",severity="critical"} 0.95`]);
  });

  it('replaces the series when a host changes category, instead of keeping both', async () => {
    const { top, registry } = setup(3);
    top.observe(anomaly('10.0.0.1', 0.9, 1000, 'scan'));
    expect(await series(registry)).toHaveLength(1);
    top.observe(anomaly('10.0.0.1', 0.7, 1010, 'beacon'));
    expect(await series(registry)).toEqual([`${NAME}{host="10.0.0.1",category="beacon",severity="warning"} 0.7`]);
  });
});
