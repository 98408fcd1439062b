#!/usr/bin/env node
// Builds the libpcap binding (build/Release/netscore_pcap.node) with node-gyp.
// Live capture is optional: when libpcap-dev is missing or the build fails this
// prints one line saying how to enable it and still exits 0, so that
// `npm install` / `npm ci` succeed and file replay keeps working.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'build', 'native-build.log');
const howto =
  'to enable it: apt-get install libpcap-dev && npm rebuild netscore (or npm run build:native)';

/** Directories where a C compiler would find <pcap.h>. */
function includeDirs() {
  const dirs = ['/usr/include', '/usr/local/include', '/opt/homebrew/include', '/opt/local/include'];
  for (const v of [process.env.CPATH, process.env.C_INCLUDE_PATH, process.env.CPLUS_INCLUDE_PATH]) {
    if (v) dirs.push(...v.split(':').filter(Boolean));
  }
  if (process.platform === 'darwin') {
    const sdk = spawnSync('xcrun', ['--show-sdk-path'], { encoding: 'utf8' });
    if (sdk.status === 0) dirs.push(join(sdk.stdout.trim(), 'usr', 'include'));
  }
  return dirs;
}

/** nodedir from npm's config: the env var npm sets for scripts, else `npm config get`. */
function nodedir() {
  const fromEnv = process.env.npm_config_nodedir;
  if (fromEnv) return fromEnv;
  const got = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' });
  const value = got.status === 0 ? got.stdout.trim() : '';
  if (value && value !== 'undefined' && value !== 'null') return value;
  // Distribution packages ship headers next to the binary; using them avoids
  // a header download that fails offline.
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** Command that runs node-gyp: npm's bundled copy, our devDependency, or PATH. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  try {
    const require = createRequire(join(root, 'package.json'));
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return ['node-gyp'];
  }
}

function disabled(reason) {
  console.log(`netscore: live capture is disabled: ${reason}; ${howto}`);
  process.exit(0);
}

if (!includeDirs().some((dir) => existsSync(join(dir, 'pcap.h')))) {
  disabled('libpcap headers (pcap.h) not found');
}

const [cmd, ...pre] = nodeGyp();
const dir = nodedir();
const args = [...pre, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])];
const run = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const output = `$ ${[cmd, ...args].join(' ')}\n${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}\n`;
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, output);
if (run.status !== 0) {
  disabled(`building the libpcap binding failed (log: ${log})`);
}
console.log('netscore: built the libpcap binding for live capture');
