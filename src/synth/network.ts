import { ip4 } from './addr.js';

/** The simulated site: who is where. Clients are in 10.0.0.0/24, servers in 10.0.1.0/24. */
export const NET = {
  gateway: ip4(10, 0, 0, 1),
  resolver: ip4(10, 0, 1, 53),
  bastion: ip4(10, 0, 1, 22),
  web: ip4(10, 0, 1, 80),
  apps: [ip4(10, 0, 1, 10), ip4(10, 0, 1, 11), ip4(10, 0, 1, 12)],
  fileServer: ip4(10, 0, 1, 30),
  backup: ip4(10, 0, 1, 100),
  monitor: ip4(10, 0, 1, 5),
  ntp: ip4(10, 0, 1, 123),
  /** Public NTP servers the site NTP server follows. */
  ntpUpstream: [ip4(162, 159, 200, 1), ip4(194, 58, 202, 20)],
} as const;

/** Every server in 10.0.1.0/24, the targets of monitoring and of internal scans. */
export const SERVERS: readonly number[] = [NET.resolver, NET.bastion, NET.web, ...NET.apps, NET.fileServer, NET.backup, NET.monitor, NET.ntp];

/** Open TCP ports per server (others answer SYN with RST). */
export function openPorts(server: number): readonly number[] {
  if (server === NET.bastion) return [22, 9100];
  if (server === NET.web) return [22, 80, 443, 9100];
  if (server === NET.resolver) return [22, 53, 9100];
  if (server === NET.backup) return [22, 873, 9100];
  if (server === NET.monitor) return [22, 3000, 9090, 9100];
  return [22, 443, 9100];
}

/** Address of benign client `i` (0-based), 10.0.0.10 upwards. */
export function clientIp(i: number): number {
  return ip4(10, 0, 0, 10 + i);
}

/** Largest number of benign clients the /24 layout allows. */
export const MAX_CLIENTS = 200;

/** A web site: its page host and the hosts its pages pull resources from. */
export interface Site {
  host: string;
  assets: readonly string[];
}

/** Sites the simulated users browse. */
export const SITES: readonly Site[] = [
  { host: 'www.google.com', assets: ['www.gstatic.com', 'apis.google.com'] },
  { host: 'github.com', assets: ['github.githubassets.com', 'avatars.githubusercontent.com', 'api.github.com'] },
  { host: 'en.wikipedia.org', assets: ['upload.wikimedia.org'] },
  { host: 'news.ycombinator.com', assets: [] },
  { host: 'stackoverflow.com', assets: ['cdn.sstatic.net', 'i.sstatic.net'] },
  { host: 'www.bbc.co.uk', assets: ['static.files.bbci.co.uk', 'ichef.bbci.co.uk'] },
  { host: 'www.nytimes.com', assets: ['static01.nyt.com', 'cdn.cookielaw.org', 'www.googletagmanager.com'] },
  { host: 'docs.python.org', assets: [] },
  { host: 'developer.mozilla.org', assets: ['cdn.jsdelivr.net'] },
  { host: 'www.reddit.com', assets: ['www.redditstatic.com', 'i.redd.it', 'preview.redd.it'] },
  { host: 'outlook.office365.com', assets: ['res.cdn.office.net', 'login.microsoftonline.com'] },
  { host: 'app.slack.com', assets: ['a.slack-edge.com', 'edgeapi.slack.com'] },
  { host: 'www.youtube.com', assets: ['i.ytimg.com', 'yt3.ggpht.com', 'fonts.gstatic.com'] },
  { host: 'www.amazon.com', assets: ['m.media-amazon.com', 'images-na.ssl-images-amazon.com'] },
  { host: 'www.theguardian.com', assets: ['assets.guim.co.uk', 'i.guim.co.uk'] },
];

/** Hosts that serve large downloads. */
export const MIRRORS: readonly string[] = ['deb.debian.org', 'download.mozilla.org', 'objects.githubusercontent.com', 'dl.google.com'];

/** Names that do not resolve: WPAD probes, typos and stale bookmarks. */
export const NX_NAMES: readonly string[] = ['wpad.corp.example.lan', 'gihtub.com', 'printer.local.example.lan', 'www.goggle.cmo', 'intranet-old.example.lan', 'isatap.example.lan'];

/** Provider blocks a public name's addresses are drawn from (base address, prefix size). */
const BLOCKS: readonly [number, number][] = [
  [ip4(142, 250, 0, 0), 16],
  [ip4(151, 101, 0, 0), 16],
  [ip4(104, 16, 0, 0), 13],
  [ip4(13, 32, 0, 0), 15],
  [ip4(23, 192, 0, 0), 11],
  [ip4(185, 199, 108, 0), 22],
];

/** Stable public IPv4 address of a name (FNV-1a hash into a provider block); independent of the seed. */
export function publicIp(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h >>>= 0;
  const [base, bits] = BLOCKS[h % BLOCKS.length];
  const span = 2 ** (32 - bits);
  // Skip .0 and .255 host octets, which look odd as server addresses.
  const host = ((h >>> 3) % span) | 1;
  return (base + host - ((host & 255) === 255 ? 1 : 0)) >>> 0;
}
