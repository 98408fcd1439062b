import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultInterface, defaultRouteInterface, listInterfaces } from './live-interfaces.js';

const built = existsSync(fileURLToPath(new URL('../../build/Release/netscore_pcap.node', import.meta.url)));

const ROUTE4_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
const route4 = (...rows: string[]) => ROUTE4_HEADER + rows.map((r) => `${r}\n`).join('');
const LO6_UNREACHABLE =
  '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo';

describe('defaultRouteInterface', () => {
  it('takes the IPv4 default route and skips other routes', () => {
    const text = route4(
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'eth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    );
    expect(defaultRouteInterface(text, LO6_UNREACHABLE)).toBe('eth1');
  });

  it('prefers the lowest metric and ignores routes that are down', () => {
    const text = route4(
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth2\t00000000\t010200C0\t0002\t0\t0\t1\t00000000\t0\t0\t0',
    );
    expect(defaultRouteInterface(text, '')).toBe('eth0');
  });

  it('falls back to an IPv6 default route, skipping the unreachable one on lo', () => {
    const v6 =
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     ens5';
    expect(defaultRouteInterface(route4(), `${LO6_UNREACHABLE}\n${v6}\n`)).toBe('ens5');
  });

  it('finds nothing without a default route', () => {
    expect(defaultRouteInterface(route4('eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0'), LO6_UNREACHABLE)).toBe(
      undefined,
    );
    expect(defaultRouteInterface('', '')).toBe(undefined);
  });
});

describe('defaultInterface', () => {
  const ipRoute = (() => {
    try {
      return execFileSync('ip', ['-4', 'route', 'show', 'default'], { encoding: 'utf8' });
    } catch {
      return '';
    }
  })();
  const viaIp = /\bdev (\S+)/.exec(ipRoute)?.[1];

  it.skipIf(!viaIp)(`agrees with ip route${viaIp ? '' : ' (skipped: no IPv4 default route here)'}`, () => {
    expect(defaultInterface()).toBe(viaIp);
  });
});

describe.skipIf(!built)(`listInterfaces${built ? '' : ' (skipped: libpcap addon not built)'}`, () => {
  it('lists lo as an up loopback with 127.0.0.1', () => {
    const lo = listInterfaces().find((d) => d.name === 'lo');
    expect(lo?.flags).toMatchObject({ up: true, loopback: true, wireless: false });
    expect(lo?.addresses).toContainEqual({ addr: '127.0.0.1', netmask: '255.0.0.0' });
  });

  it('lists the interfaces the kernel has', () => {
    // /sys/class/net is an independent list; libpcap adds pseudo-devices like "any".
    const kernel = execFileSync('ls', ['/sys/class/net'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    const names = listInterfaces().map((d) => d.name);
    for (const name of kernel) expect(names).toContain(name);
  });
});
