import { describe, expect, it } from 'vitest';
import { HostHistory } from './host-history.js';
import { WindowCloser } from './window-closer.js';

/** Service key of IPv4 host h to destination d, TCP port p. */
const svc = (h: number, d: number, p: number) => Uint32Array.of(4, h, 0, 0, 0, d, 0, 0, 0, (6 << 16) | p);

/** Flow starts of a spoofed SYN flood: `n` sources seen once each, to the victim's port 80, from `ts` on. */
function flood(n: number, ts: number, start: (key: Uint32Array, ts: number) => void): void {
  for (let i = 0; i < n; i++) start(svc(0x0b000000 + i, 0x0a000005, 80), ts + i * 1e-5);
}

describe('WindowCloser admission', () => {
  it("keeps a host's known services known after a spoofed flood, which only churns the admission filters", () => {
    const closer = new WindowCloser({ maxHosts: 64, historySize: 1000 });
    const known = [20, 21, 22].map((d) => svc(1, d, 443));
    // The host's history: three services used every minute during its first twenty minutes.
    for (let t = 0; t <= 1200; t += 60) for (const k of known) closer.flowStarted(k, t);
    const history = closer.history;
    for (const k of known) expect(history.isNew(k)).toBe(false);
    flood(200_000, 1300, (k, ts) => closer.flowStarted(k, ts));
    for (const k of known) {
      expect(history.isNew(k)).toBe(false);
      expect(history.isFresh(k)).toBe(false);
    }
    expect(history.isNew(svc(1, 99, 443))).toBe(true);
    // Nothing was evicted from the history; the flood's sources went no further than the filters, which count what they dropped.
    expect(history.evicted).toBe(0);
    expect(closer.admission.services.heldBack).toBe(200_000 + 3);
    expect(closer.admission.services.overwritten).toBeGreaterThan(100_000);
    expect(closer.admission.pairs.overwritten).toBeGreaterThan(100_000);
    // The same flow starts recorded without a filter (every service at its first flow start) flush the history.
    const plain = new HostHistory(1000);
    for (let t = 0; t <= 1200; t += 60) for (const k of known) plain.observe(k, t);
    flood(200_000, 1300, (k, ts) => plain.observe(k, ts));
    for (const k of known) expect(plain.isNew(k)).toBe(true);
  });

  it('admits a service held back when a session of it ends (two-way contact), keeping its first flow start as its first use', () => {
    const closer = new WindowCloser({ maxHosts: 64 });
    const k = svc(1, 20, 443);
    closer.flowStarted(svc(1, 21, 443), 0);
    closer.flowStarted(k, 700);
    expect(closer.admission.services.held).toBe(2);
    closer.sessionEnded(k, 700, 700.5, 900);
    expect(closer.admission.services.held).toBe(1);
    // Admitted with its first flow start's time: first used 700 s after its host, so new to it, as without the filter.
    expect(closer.history.isNew(k)).toBe(true);
    expect(closer.history.isNew(svc(1, 21, 443))).toBe(false);
    expect(closer.history.hostCount).toBe(1);
    // A session of a service never seen starting admits nothing.
    closer.sessionEnded(svc(2, 20, 443), 5, 6, 900);
    expect(closer.admission.services.held).toBe(1);
    expect(closer.history.hostCount).toBe(1);
  });
});
