import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkState } from './link-state.js';

describe('linkState', () => {
  const sysfs = mkdtempSync(join(tmpdir(), 'netscore-sysfs-'));
  const iface = (name: string, flags: string) => {
    mkdirSync(join(sysfs, name));
    writeFileSync(join(sysfs, name, 'flags'), flags);
  };
  iface('eth0', '0x1003\n');
  iface('veth1', '0x1002\n');
  iface('odd', 'garbage\n');
  afterAll(() => rmSync(sysfs, { recursive: true, force: true }));

  it('reads IFF_UP from the interface flags', () => {
    expect(linkState('eth0', sysfs)).toBe('up');
    expect(linkState('veth1', sysfs)).toBe('down');
  });

  it('says absent for a missing interface, unknown without sysfs, for "any" and for odd names or flags', () => {
    expect(linkState('nosuch0', sysfs)).toBe('absent');
    expect(linkState('eth0', join(sysfs, 'none'))).toBe('unknown');
    expect(linkState('any', sysfs)).toBe('unknown');
    expect(linkState('../eth0', sysfs)).toBe('unknown');
    expect(linkState('odd', sysfs)).toBe('unknown');
  });

  it('reads the real lo as up', () => {
    expect(linkState('lo')).toBe(process.platform === 'linux' ? 'up' : 'unknown');
  });
});
