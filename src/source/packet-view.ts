/** Placeholder for a packet not yet read. */
const EMPTY = new Uint8Array(0);

/**
 * One captured packet. A source reuses a single instance for every packet it
 * delivers, so a view is valid only for the duration of the sink call.
 */
export class PacketView {
  /** Buffer that holds the packet bytes (shared with other packets). */
  data: Uint8Array = EMPTY;
  /** Index of the first packet byte in `data`. */
  offset = 0;
  /** Number of captured bytes, starting at `offset`. */
  caplen = 0;
  /** Original length of the packet on the wire. */
  wirelen = 0;
  /** Whole seconds since the Unix epoch. */
  tsSec = 0;
  /** Nanoseconds within `tsSec` (0 to 999 999 999). */
  tsNsec = 0;
  /** LINKTYPE_* value of the interface the packet came from. */
  linktype = 0;
  /** Interface name; sources intern these strings, so `===` compares them cheaply. */
  iface = '';
}
