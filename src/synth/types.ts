/** Attacks of the classic profile's default set. */
export type ClassicAttackType = 'scan' | 'slowscan' | 'synflood' | 'udpflood' | 'dnstunnel' | 'bruteforce' | 'beacon' | 'exfil';

/** Attacks of the wide profile's default set: low and slow, periodic and sweeping. */
export type WideAttackType = 'jitterbeacon' | 'slowbruteforce' | 'sweep' | 'pingsweep' | 'slowdnstunnel' | 'slowexfil';

/** Kinds of attack the generator can inject. */
export type AttackType = ClassicAttackType | WideAttackType;

/** The classic profile's attacks, its default set, in documentation order. */
export const ATTACK_TYPES: readonly ClassicAttackType[] = ['scan', 'slowscan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon', 'exfil'];

/** The wide profile's attacks, its default set, in documentation order. */
export const WIDE_ATTACK_TYPES: readonly WideAttackType[] = ['jitterbeacon', 'slowbruteforce', 'sweep', 'pingsweep', 'slowdnstunnel', 'slowexfil'];

/** Every attack type; either profile may inject any of them. */
export const ALL_ATTACK_TYPES: readonly AttackType[] = [...ATTACK_TYPES, ...WIDE_ATTACK_TYPES];

/**
 * Benign workloads: `classic` is the original site; `wide` adds periodic jobs
 * of many periods and jitters (monitoring polls, metrics pushes, CI runners,
 * backups, update checks, keep-alives, public NTP) and more host roles.
 */
export type SynthProfile = 'classic' | 'wide';

/** Every profile, the default first. */
export const SYNTH_PROFILES: readonly SynthProfile[] = ['classic', 'wide'];

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
  /** Benign workload; default classic. */
  profile?: SynthProfile;
  /** Clients also load script-heavy pages, use QUIC and submit mail to public providers (see startInternetUse); default off. */
  internetUse?: boolean;
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

/** An attack placed in time, with numeric addresses for the generator. */
export interface PlannedAttack {
  label: AttackLabel;
  attacker: number;
  victims: number[];
  /** First and last instants the attack may send at, µs since the epoch. */
  start: number;
  end: number;
  /** Beacons: largest share of the period a check-in may come early (beacon) or move either way (jitterbeacon); 0 otherwise. */
  jitter: number;
  /** Wide attacks: mean time between check-ins or attempts, µs; 0 otherwise. */
  period: number;
  /** Wide attacks: destination port (sweep, beacon, exfiltration); 0 otherwise. */
  port: number;
  /** Wide attacks: probes or queries per second, or bytes per second of an upload; 0 otherwise. */
  rate: number;
  /** Sweeps: addresses that answer, with their listening TCP ports; empty otherwise. */
  live: ReadonlyMap<number, readonly number[]>;
}

/** Resolved options the plan depends on. */
export interface PlanInput {
  seed: number;
  duration: number;
  attacks: readonly AttackType[];
  start: number;
  hosts: number;
  profile: SynthProfile;
}
