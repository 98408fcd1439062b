import { capabilitySet, captureCapabilityNames, readOwnStatus } from './credentials.js';

/** The effective capabilities packet capture depends on. */
export interface CaptureCapabilities {
  /** CAP_NET_RAW: open packet sockets. */
  netRaw: boolean;
  /** CAP_NET_ADMIN: promiscuous mode, ring buffer sizes. */
  netAdmin: boolean;
}

/** Reads the CapEff line of a /proc/<pid>/status text; undefined when absent. */
export function parseCapEff(status: string): CaptureCapabilities | undefined {
  const eff = capabilitySet(status, 'CapEff');
  if (eff === undefined) return undefined;
  const held = captureCapabilityNames(eff);
  return { netRaw: held.includes('CAP_NET_RAW'), netAdmin: held.includes('CAP_NET_ADMIN') };
}

/**
 * Capabilities a live capture needs but this process lacks, e.g.
 * ["CAP_NET_RAW"]; empty when all are there or when they cannot be read
 * (not Linux), where opening the interface will tell.
 */
export function missingCaptureCapabilities(promiscuous: boolean, status = readOwnStatus()): string[] {
  const caps = parseCapEff(status);
  if (!caps) return [];
  const missing: string[] = [];
  if (!caps.netRaw) missing.push('CAP_NET_RAW');
  if (promiscuous && !caps.netAdmin) missing.push('CAP_NET_ADMIN');
  return missing;
}
