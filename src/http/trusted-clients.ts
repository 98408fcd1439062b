import { OldestFirst } from '../util/oldest-first.js';

/** How long an address counts as trusted after its last authenticated request. */
const TRUST_MS = 10 * 60 * 1000;

/** Most addresses remembered; the least recently trusted is forgotten first. */
const MAX_ADDRESSES = 1024;

/**
 * Client addresses that recently sent a request the server accepted (valid
 * credentials, or any served request when authentication is off). They may use
 * the connection slots held in reserve, so that idle connections from elsewhere
 * cannot lock Prometheus out.
 */
export class TrustedClients {
  private readonly seen = new Map<string, number>();
  private readonly oldest = new OldestFirst(this.seen);

  constructor(private readonly now: () => number = Date.now) {}

  /** Marks `address` as trusted from now on. */
  mark(address: string): void {
    this.seen.delete(address);
    if (this.seen.size >= MAX_ADDRESSES) this.oldest.take();
    this.seen.set(address, this.now());
  }

  /** Whether `address` was marked within the trust period. */
  has(address: string): boolean {
    const at = this.seen.get(address);
    return at !== undefined && this.now() - at < TRUST_MS;
  }
}
