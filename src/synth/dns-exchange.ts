import type { DnsAnswer } from './dns-wire.js';
import { dnsQuery, dnsResponse } from './dns-wire.js';
import type { Scheduler } from './scheduler.js';
import type { Steps } from './tcp-conn.js';

/** One DNS question and its answer over UDP port 53. */
export interface DnsQuestion {
  client: number;
  server: number;
  sport: number;
  id: number;
  name: string;
  qtype: number;
  rcode: number;
  answers: readonly DnsAnswer[];
}

/** Query at `t` µs, answer `delay` µs later. */
export function* dnsExchange(s: Scheduler, q: DnsQuestion, t: number, delay: number): Steps {
  const query = dnsQuery(q.id, q.name, q.qtype);
  yield t;
  s.fb.udp(q.client, q.server, q.sport, 53, query.length, query);
  const answer = dnsResponse(q.id, q.name, q.qtype, q.rcode, q.answers);
  yield t + delay;
  s.fb.udp(q.server, q.client, 53, q.sport, answer.length, answer);
}
