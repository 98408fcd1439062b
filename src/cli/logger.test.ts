import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes logfmt with quoted values and respects the level', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', 'logfmt', stream);
    log.debug('hidden');
    log.info({ file: 'a b.pcap', packets: 3 }, 'replay done');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ts=\d{4}-\d\d-\d\dT\S+Z level=info msg="replay done" file="a b.pcap" packets=3\n$/);
  });
  it('writes JSON lines with the level by name and an ISO ts, as logfmt has them', () => {
    const { lines, stream } = capture();
    createLogger('debug', 'json', stream).warn({ iface: 'lo' }, 'capture down');
    const rec = JSON.parse(lines[0]);
    expect(rec).toEqual({ ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'warn', msg: 'capture down', iface: 'lo' });
  });
  it('renders arrays in logfmt as a,b and objects as JSON', () => {
    const { lines, stream } = capture();
    createLogger('info', 'logfmt', stream).info({ interfaces: ['eth0', 'eth1'], one: ['lo'], sizes: [1, 2], o: { a: 1 } }, 'capturing');
    expect(lines[0]).toMatch(/ level=info msg=capturing interfaces=eth0,eth1 one=lo sizes=1,2 o="\{\\"a\\":1\}"\n$/);
  });
});
