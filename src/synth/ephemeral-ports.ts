import type { Prng } from '../util/prng.js';

/** Linux's default ephemeral range, net.ipv4.ip_local_port_range. */
const LOW = 32768;
const HIGH = 60999;

/** Hands out a host's client ports: sequential with small random steps, wrapping in the ephemeral range. */
export class EphemeralPorts {
  private next: number;

  /** Starts at a random point of the range. */
  constructor(private readonly rng: Prng) {
    this.next = rng.int(LOW, HIGH);
  }

  /** A port not handed out recently. */
  take(): number {
    const port = this.next;
    this.next += this.rng.int(1, 7);
    if (this.next > HIGH) this.next = LOW + (this.next - HIGH);
    return port;
  }
}
