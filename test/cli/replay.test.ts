import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PCAPS } from '../oracle/manifest.js';
import { runCli } from './spawn.js';

describe('netscore replay (process)', () => {
  it('prints exactly the summary fields and exits 0', async () => {
    const file = path.join(PCAPS, 'decode', 'tunnel-vxlan-http.pcap');
    const { code, stdout } = await runCli(['replay', '--summary', '--log.level=error', file]);
    expect(code).toBe(0);
    const s = JSON.parse(stdout);
    expect(Object.keys(s)).toEqual(['files', 'packets', 'bytes', 'outer', 'vlan_tagged', 'flows', 'decode_errors', 'elapsed_seconds']);
    expect(Object.keys(s.outer)).toEqual(['ipv4', 'ipv6', 'arp', 'tcp', 'udp', 'icmp', 'icmpv6']);
    // MANIFEST.csv: 12 packets, 10707 bytes, all outer IPv4/UDP (VXLAN).
    expect(s).toMatchObject({ files: [file], packets: 12, bytes: 10707, outer: { ipv4: 12, udp: 12 } });
  });

  it('reads a damaged file up to the damage, prints one error line and the summary, and exits 1', async () => {
    const file = path.join(PCAPS, 'malformed', 'file-cut-short-mid-packet.pcap');
    const { code, stdout, stderr } = await runCli(['replay', '--summary', '--log.level=error', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^netscore: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record 26 at byte offset \\d+: .+\\n$`));
    expect(JSON.parse(stdout).packets).toBe(25);
  });

  it.each([
    [['replay', '/nonexistent/x.pcap'], 1, /^netscore: \/nonexistent\/x\.pcap: .+\n$/],
    [['replay', '--flow.max=lots', 'x.pcap'], 2, /^netscore: invalid value for --flow\.max: "lots" \(want an integer\)\n$/],
    [['replay', '--bogus-flag=1', 'x.pcap'], 2, /^netscore: Unknown argument: bogus-flag\n$/],
    // The unknown flag swallows the file as its value; the flag is still what gets named.
    [['replay', '--bogus-flag', 'x.pcap'], 2, /^netscore: Unknown argument: bogus-flag\n$/],
    [['train', '--model.out', 'm.json', '--bogus-flag', 'x.pcap'], 2, /^netscore: Unknown argument: bogus-flag\n$/],
    [['train', '--model.out', 'm.json'], 2, /^netscore: Not enough non-option arguments/],
    [['replay', '--log.format=xml', 'x.pcap'], 2, /^netscore: invalid value for --log\.format: "xml" \(want one of logfmt, json\)\n$/],
  ])('%j fails with one line and exit %i', async (args, status, message) => {
    const { code, stderr } = await runCli(args as string[]);
    expect(code).toBe(status);
    expect(stderr).toMatch(message);
  });

  it('takes options from NETSCORE_* variables, and flags win over them', async () => {
    const file = path.join(PCAPS, 'decode', 'tunnel-vxlan-http.pcap');
    const bad = await runCli(['replay', file], { NETSCORE_FLOW_MAX: 'x' });
    expect(bad.stderr).toMatch(/^netscore: invalid value for NETSCORE_FLOW_MAX: "x"/);
    const ok = await runCli(['replay', '--flow.max=10', '--log.level=error', file], { NETSCORE_FLOW_MAX: 'x' });
    expect(ok.code).toBe(0);
  });
});
