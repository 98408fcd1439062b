import { ipText } from './addr.js';
import type { AttackLabel } from './types.js';

/** One (window, source host) pair of a generated capture, from the frames the generator attributed. */
export interface HostWindowTruth {
  /** Epoch second the window starts at (a multiple of the window length). */
  windowStart: number;
  host: string;
  /** attack: the host sent packets of an attack it is the attacker of; victim: it sent only answers to attacks; benign: no attack packet. */
  label: 'attack' | 'victim' | 'benign';
  /** Ids of the attacks whose packets the host sent in the window. */
  attackIds: string[];
  packetsSent: number;
  /** IPv4 total lengths summed. */
  bytesSent: number;
  /** Of packetsSent, those an attack made. */
  attackPacketsSent: number;
}

/** Offset of the IPv4 source address in a synthetic Ethernet frame. */
const SRC_AT = 26;

/**
 * Accumulates the truth per (window, source host) of a generated capture:
 * feed every frame with its attack index (SynthPacket.attack), then read rows.
 */
export class HostWindowTally {
  private readonly cells = new Map<string, { packets: number; bytes: number; attackPackets: number; attacks: Set<number> }>();

  constructor(
    private readonly attacks: readonly AttackLabel[],
    private readonly windowS: number,
  ) {}

  /** Counts one frame sent at epoch second `tsSec` (the frame's bytes are read now, not kept). */
  add(tsSec: number, frame: Uint8Array, attack: number): void {
    const src = ((frame[SRC_AT] << 24) | (frame[SRC_AT + 1] << 16) | (frame[SRC_AT + 2] << 8) | frame[SRC_AT + 3]) >>> 0;
    const start = tsSec - (tsSec % this.windowS);
    const key = `${start} ${src}`;
    let c = this.cells.get(key);
    if (c === undefined) {
      c = { packets: 0, bytes: 0, attackPackets: 0, attacks: new Set() };
      this.cells.set(key, c);
    }
    c.packets++;
    c.bytes += (frame[16] << 8) | frame[17];
    if (attack >= 0) {
      c.attackPackets++;
      c.attacks.add(attack);
    }
  }

  /** Rows in order of window, then host address. */
  rows(): HostWindowTruth[] {
    const out: (HostWindowTruth & { addr: number })[] = [];
    for (const [key, c] of this.cells) {
      const [start, addr] = key.split(' ').map(Number);
      const host = ipText(addr);
      const ids = [...c.attacks].sort((a, b) => a - b).map((i) => this.attacks[i]);
      const label = ids.length === 0 ? 'benign' : ids.some((a) => a.attacker_ip === host) ? 'attack' : 'victim';
      out.push({ windowStart: start, host, addr, label, attackIds: ids.map((a) => a.id), packetsSent: c.packets, bytesSent: c.bytes, attackPacketsSent: c.attackPackets });
    }
    out.sort((a, b) => a.windowStart - b.windowStart || a.addr - b.addr);
    return out.map(({ addr: _, ...row }) => row);
  }
}

/** The rows as CSV, with a header line (attack ids joined by ";"). */
export function truthCsv(rows: readonly HostWindowTruth[]): string {
  const lines = ['window_start,host,label,attack_ids,packets_sent,bytes_sent,attack_packets_sent'];
  for (const r of rows) lines.push(`${r.windowStart},${r.host},${r.label},${r.attackIds.join(';')},${r.packetsSent},${r.bytesSent},${r.attackPacketsSent}`);
  return `${lines.join('\n')}\n`;
}
