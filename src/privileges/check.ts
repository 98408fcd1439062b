import { readFileSync } from 'node:fs';

/** CAP_NET_ADMIN bit in the capability sets (linux/capability.h). */
const CAP_NET_ADMIN = 12n;
/** CAP_NET_RAW bit in the capability sets (linux/capability.h). */
const CAP_NET_RAW = 13n;

/** The effective capabilities packet capture depends on. */
export interface CaptureCapabilities {
  /** CAP_NET_RAW: open packet sockets. */
  netRaw: boolean;
  /** CAP_NET_ADMIN: promiscuous mode, ring buffer sizes. */
  netAdmin: boolean;
}

/** Reads the CapEff line of a /proc/<pid>/status text; undefined when absent. */
export function parseCapEff(status: string): CaptureCapabilities | undefined {
  const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (!match) return undefined;
  const eff = BigInt(`0x${match[1]}`);
  return { netRaw: ((eff >> CAP_NET_RAW) & 1n) === 1n, netAdmin: ((eff >> CAP_NET_ADMIN) & 1n) === 1n };
}

/**
 * Capabilities a live capture needs but this process lacks, e.g.
 * ["CAP_NET_RAW"]; empty when all are there or when they cannot be read
 * (not Linux), where opening the interface will tell.
 */
export function missingCaptureCapabilities(promiscuous: boolean, status = readStatus()): string[] {
  const caps = parseCapEff(status);
  if (!caps) return [];
  const missing: string[] = [];
  if (!caps.netRaw) missing.push('CAP_NET_RAW');
  if (promiscuous && !caps.netAdmin) missing.push('CAP_NET_ADMIN');
  return missing;
}

/** /proc/self/status, or '' where there is none. */
function readStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}
