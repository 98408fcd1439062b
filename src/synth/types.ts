/** Kinds of attack the generator can inject. */
export type AttackType = 'scan' | 'slowscan' | 'synflood' | 'udpflood' | 'dnstunnel' | 'bruteforce' | 'beacon' | 'exfil';

/** Every attack type, in documentation order. */
export const ATTACK_TYPES: readonly AttackType[] = ['scan', 'slowscan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon', 'exfil'];

/** What to generate. */
export interface SynthOptions {
  /** PRNG seed; equal options give byte-identical output. */
  seed: number;
  /** Length of the capture in seconds. */
  duration: number;
  /** Attacks to inject (each at most once; duplicates are ignored). */
  attacks: AttackType[];
  /** Epoch second of the first instant; default 1_700_000_000. */
  start?: number;
  /** Number of benign clients in 10.0.0.0/24; default 20, at most 200. */
  hosts?: number;
}

/** Ground truth for one injected attack; times are epoch seconds (µs precision). */
export interface AttackLabel {
  id: string;
  type: AttackType;
  attacker_ip: string;
  victim_ips: string[];
  start_ts: number;
  end_ts: number;
  description: string;
}

/** The labels file: attacks plus the window size detection is evaluated at. */
export interface SynthLabels {
  evaluation: { window_s: 10 };
  attacks: AttackLabel[];
}
