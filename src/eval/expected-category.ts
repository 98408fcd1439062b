import type { AnomalyCategory } from '../model/anomaly.js';
import type { AttackType } from '../synth/types.js';

/**
 * The anomaly category each attack type should raise: every `netscore synth`
 * type, and the type names of the hand-made labelled scenarios
 * (../shared/labelled) where they differ.
 */
export const EXPECTED_CATEGORY: Readonly<Record<AttackType | 'portscan', AnomalyCategory>> = {
  scan: 'scan',
  portscan: 'scan',
  slowscan: 'scan',
  sweep: 'scan',
  pingsweep: 'scan',
  synflood: 'flood',
  udpflood: 'flood',
  dnstunnel: 'dns-tunnel',
  slowdnstunnel: 'dns-tunnel',
  bruteforce: 'brute-force',
  slowbruteforce: 'brute-force',
  beacon: 'beacon',
  jitterbeacon: 'beacon',
  exfil: 'exfiltration',
  slowexfil: 'exfiltration',
};

/** The category an attack type should raise, or undefined for a type the map does not know. */
export function expectedCategory(type: string): AnomalyCategory | undefined {
  return Object.hasOwn(EXPECTED_CATEGORY, type) ? EXPECTED_CATEGORY[type as keyof typeof EXPECTED_CATEGORY] : undefined;
}
