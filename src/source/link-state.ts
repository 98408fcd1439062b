import { readFileSync, statSync } from 'node:fs';

/** Administrative state of a network interface: up, down, absent, or unknown where sysfs cannot tell (not Linux, "any"). */
export type LinkState = 'up' | 'down' | 'absent' | 'unknown';

/** IFF_UP in the interface flags. */
const IFF_UP = 0x1;

/** State of interface `name` from `<sysfs>/<name>/flags` (Linux). */
export function linkState(name: string, sysfs = '/sys/class/net'): LinkState {
  if (name === 'any' || name === '' || name === '.' || name === '..' || name.includes('/')) return 'unknown';
  let text: string;
  try {
    text = readFileSync(`${sysfs}/${name}/flags`, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    // Without sysfs itself (not Linux), nothing can be said.
    return missing && statSync(sysfs, { throwIfNoEntry: false })?.isDirectory() ? 'absent' : 'unknown';
  }
  const flags = Number.parseInt(text.trim(), 16);
  if (!Number.isFinite(flags)) return 'unknown';
  return (flags & IFF_UP) !== 0 ? 'up' : 'down';
}
