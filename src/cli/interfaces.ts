import { listInterfaces } from '../source/live-interfaces.js';

/** `netscore interfaces`: prints the capture devices with their flags and addresses. */
export async function interfaces(): Promise<number> {
  const rows = listInterfaces().map((d) => {
    const flags = Object.entries(d.flags).filter(([, on]) => on).map(([f]) => f.toUpperCase()).join(',');
    const addrs = d.addresses.map((a) => a.addr).join(' ');
    return [d.name, flags || '-', addrs || '-', d.description || ''];
  });
  const head = ['INTERFACE', 'FLAGS', 'ADDRESSES', 'DESCRIPTION'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i < r.length - 1 ? c.padEnd(width[i]) : c)).join('  ').trimEnd()}\n`);
  return 0;
}
