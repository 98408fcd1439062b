import { defaultInterface, listInterfaces } from '../source/live-interfaces.js';

/**
 * `netscore interfaces`: prints the capture devices with their flags and
 * addresses, marking the one `run` captures on when no --capture.interface is
 * given; `json` prints one array of objects instead of the table.
 */
export async function interfaces(format: 'table' | 'json'): Promise<number> {
  const chosen = defaultInterface();
  const devices = listInterfaces().map((d) => ({
    name: d.name,
    default: d.name === chosen,
    flags: Object.entries(d.flags).filter(([, on]) => on).map(([f]) => f),
    addresses: d.addresses.map((a) => a.addr),
    description: d.description,
  }));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
    return 0;
  }
  const rows = devices.map((d) => [d.default ? '*' : '', d.name, d.flags.join(',').toUpperCase() || '-', d.addresses.join(' ') || '-', d.description]);
  const head = ['', 'INTERFACE', 'FLAGS', 'ADDRESSES', 'DESCRIPTION'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i < r.length - 1 ? c.padEnd(width[i]) : c)).join('  ').trimEnd()}\n`);
  process.stdout.write(`\n(* marks the default: the interface of the default route, captured when no --capture.interface is given)\n`);
  return 0;
}
