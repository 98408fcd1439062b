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
  it('writes JSON lines', () => {
    const { lines, stream } = capture();
    createLogger('debug', 'json', stream).warn({ iface: 'lo' }, 'capture down');
    const rec = JSON.parse(lines[0]);
    expect(rec).toMatchObject({ level: 40, msg: 'capture down', iface: 'lo' });
  });
});
