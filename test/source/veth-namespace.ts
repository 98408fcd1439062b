// A veth pair with one end in a network namespace of its own, for live capture tests with real traffic: frames
// sent from the namespace arrive on the host end, as they would on a sensor's interface.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The system's python3: a version manager's shim on PATH can take seconds to start. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Why the pair cannot be made here, or '' when it can (root, `ip`, python3 to send frames). */
export function vethSkipReason(): string {
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (ip) is missing';
  if (spawnSync(PYTHON, ['-c', '']).status !== 0) return 'python3 is missing';
  return '';
}

/** The pair: `host` in this namespace, its peer in namespace `ns`. */
export interface VethNamespace {
  /** Host end: where the capture runs. */
  host: string;
  /** Namespace holding the peer end. */
  ns: string;
  /** Peer end, inside `ns`. */
  peer: string;
  /** Sends each frame (Ethernet, as bytes) out of the peer end, so that it arrives on the host end, in order. */
  sendFromNamespace(frames: readonly Uint8Array[]): void;
  /** Sends each frame out of the host end: the capture there sees it as outgoing. */
  sendFromHost(frames: readonly Uint8Array[]): void;
  /** Deletes the namespace and the pair; safe to repeat, and after a failed create. */
  remove(): void;
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 6).join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
}

// Binding to the IPv4 EtherType makes the kernel tag outgoing frames as IPv4, so that fanout hashes them by flow.
const SENDER = 'import socket,sys\ns=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind((sys.argv[1],0x0800))\nfor line in sys.stdin: s.send(bytes.fromhex(line))\n';

/**
 * Creates `${prefix}h` (host end) and `${prefix}p` in namespace `${prefix}ns`, both up.
 * IPv6 is off on the host end so that the kernel adds no traffic of its own; frames
 * addressed to other MACs are seen by the capture and dropped by the stack.
 * On failure, whatever was made is removed before the error is thrown.
 */
export function createVethNamespace(prefix: string): VethNamespace {
  const host = `${prefix}h`;
  const peer = `${prefix}p`;
  const ns = `${prefix}ns`;
  const pair: VethNamespace = {
    host,
    ns,
    peer,
    sendFromNamespace: (frames) => run('ip', ['netns', 'exec', ns, PYTHON, '-c', SENDER, peer], hexLines(frames)),
    sendFromHost: (frames) => run(PYTHON, ['-c', SENDER, host], hexLines(frames)),
    remove: () => {
      // Deleting the namespace deletes the peer, and with it the host end.
      spawnSync('ip', ['netns', 'del', ns]);
      spawnSync('ip', ['link', 'del', host]);
    },
  };
  try {
    run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', ns]);
    run('sysctl', ['-q', '-w', `net.ipv6.conf.${host}.disable_ipv6=1`]);
    run('ip', ['-n', ns, 'link', 'set', peer, 'up']);
    run('ip', ['link', 'set', host, 'up']);
  } catch (err) {
    pair.remove();
    throw err;
  }
  return pair;
}

function hexLines(frames: readonly Uint8Array[]): string {
  return frames.map((f) => `${Buffer.from(f).toString('hex')}\n`).join('');
}
