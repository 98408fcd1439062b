// Linux PACKET_FANOUT groups: several capture handles on one interface, each packet going to one of them.

/** How the kernel picks the member of a fanout group that gets a packet: symmetric flow hash (IP fragments reassembled first, so both directions of a flow go to one member), round robin, or the receiving CPU. */
export const FANOUT_MODES = ['hash', 'lb', 'cpu'] as const;

/** One of FANOUT_MODES. */
export type FanoutMode = (typeof FANOUT_MODES)[number];

/** Largest fanout group id: PACKET_FANOUT takes 16 bits. */
export const MAX_FANOUT_GROUP = 65_535;

/** A PACKET_FANOUT group to join once the handle is activated. */
export interface FanoutOptions {
  /** Group id, 0 to MAX_FANOUT_GROUP, shared by every process of the network namespace; omitted: the group this process derives for the interface (an id no other socket uses, the same for all its threads). */
  group?: number;
  /** Default hash. */
  mode?: FanoutMode;
}

/** What is wrong with `fanout`, or undefined when it can be asked of the kernel. */
export function fanoutProblem(fanout: FanoutOptions, platform: string = process.platform): string | undefined {
  if (platform !== 'linux') return 'packet fanout (several capture workers on one interface) is Linux only';
  const { group, mode } = fanout;
  if (group !== undefined && !(Number.isInteger(group) && group >= 0 && group <= MAX_FANOUT_GROUP)) {
    return `fanout group must be an integer from 0 to ${MAX_FANOUT_GROUP}, got ${group}`;
  }
  if (mode !== undefined && !FANOUT_MODES.includes(mode)) return `fanout mode must be one of ${FANOUT_MODES.join(', ')}, got ${mode}`;
  return undefined;
}
