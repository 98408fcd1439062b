// HTTP attacks of issue #13 against a running `netscore replay` (loopback only):
//   pipeline      10 connections, each sending 10,000 pipelined `GET /metrics` and never reading
//   pipeline-auth the same with basic auth on and no credentials
//   brute-force   24 concurrent wrong-password clients right after a web config reload
//   slots         idle sockets held at --web.max-connections (50), reopened when closed
// While an attack runs, /healthz (fresh connection each time) and, for the last two,
// authenticated scrapes are timed. Reports healthz latency (p50, max), scrapes answered
// 200 out of tried, and the peak RSS of the netscore process.
// `node bench/http-attack.mjs [--cli dist/cli/main.js] [--seconds 10] [--only NAME]`;
// --cli lets the same attacks run against another build (e.g. the code before a fix).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';
import { freePort, quantile } from './scrape.mjs';

const { values } = parseArgs({ options: { cli: { type: 'string' }, seconds: { type: 'string', default: '10' }, only: { type: 'string' } } });
const CLI = path.resolve(values.cli ?? path.join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'));
const SECONDS = Number(values.seconds);
const FIXTURE = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'golden', 'eth-http-ipv4-and-ipv6.pcapng');
const dir = mkdtempSync(path.join(tmpdir(), 'netscore-http-attack-'));
const HASH = bcrypt.hashSync('scrape', 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts netscore replaying a small capture for ever with `args`; resolves when /healthz answers. */
async function start(args) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'replay', FIXTURE, '--replay.loop=0', '--replay.speed=1', '--log.level=error', `--web.listen-address=127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    if ((await get(port, '/healthz', {}, 1000)).status === 200) return { child, port };
    await sleep(50);
  }
  child.kill();
  throw new Error('netscore did not start');
}

/** GET on a fresh connection: status (0 on error or timeout) and milliseconds. */
function get(port, path, headers = {}, timeoutMs = 5000) {
  const t = performance.now();
  return new Promise((resolve) => {
    const done = (status) => resolve({ status, ms: performance.now() - t });
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode));
      res.on('error', () => done(0));
    });
    req.on('error', () => done(0));
    req.setTimeout(timeoutMs, () => req.destroy());
    req.end();
  });
}

const basic = (user, password) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** Peak resident set size of `pid` so far, in MB (VmHWM). */
function peakRss(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) used by `pid` so far. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Runs `attack(port, stop)` for SECONDS while probing; returns the row of the table. */
async function scenario(name, args, attack, scrapeHeaders, prepare) {
  const { child, port } = await start(args);
  try {
    const rssBefore = peakRss(child.pid);
    if (prepare) await prepare(port);
    const cpuBefore = cpuSeconds(child.pid);
    let stopped = false;
    const attacking = attack(port, () => stopped);
    await sleep(500);
    const health = [];
    const scrapes = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const probes = [get(port, '/healthz', {}, 5000).then((r) => health.push(r))];
      if (scrapeHeaders) probes.push(get(port, '/metrics', scrapeHeaders, 5000).then((r) => scrapes.push(r)));
      await Promise.all(probes);
      await sleep(250);
    }
    stopped = true;
    await attacking;
    if (process.env.DEBUG) console.log(name, health.map((r) => Math.round(r.ms)).join(" "));
    const ok = health.filter((r) => r.status === 200).map((r) => r.ms);
    return {
      scenario: name,
      healthz_ok: `${ok.length}/${health.length}`,
      healthz_p50_ms: Math.round(quantile(ok, 0.5)),
      healthz_max_ms: Math.round(Math.max(...health.map((r) => (r.status === 200 ? r.ms : 5000)))),
      scrapes_200: scrapeHeaders ? `${scrapes.filter((r) => r.status === 200).length}/${scrapes.length}` : '-',
      server_cpu_s: Number((cpuSeconds(child.pid) - cpuBefore).toFixed(1)),
      rss_before_mb: Math.round(rssBefore),
      rss_peak_mb: Math.round(peakRss(child.pid)),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

/** 10 connections, each writing 10,000 pipelined GET /metrics without reading. */
async function pipeline(port, stopped) {
  const one = 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: attack\r\nAccept: */*\r\n\r\n';
  const payload = Buffer.from(one.repeat(10_000));
  const sockets = Array.from({ length: 10 }, () => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('connect', () => s.pause());
    s.write(payload);
    return s;
  });
  while (!stopped()) await sleep(100);
  for (const s of sockets) s.destroy();
}

/** 24 clients guessing passwords as fast as they get answers. */
async function bruteForce(port, stopped) {
  await Promise.all(
    Array.from({ length: 24 }, async (_, i) => {
      for (let n = 0; !stopped(); n++) await get(port, '/metrics', basic('prometheus', `guess-${i}-${n}`), 5000);
    }),
  );
}

/** Holds `count` idle connections from 127.0.0.2.., opening a new one whenever the server closes one. */
function slots(count) {
  return async (port, stopped) => {
    const open = new Set();
    const hold = (i) => {
      if (stopped()) return;
      const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 50)}` });
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        setTimeout(() => hold(i), 10);
      });
    };
    for (let i = 0; i < count; i++) hold(i);
    while (!stopped()) await sleep(100);
    for (const s of open) s.destroy();
  };
}

const auth = (extraUser = '') => {
  const file = path.join(dir, 'web.yml');
  writeFileSync(file, `basic_auth_users:\n  prometheus: ${HASH}\n${extraUser}`);
  return file;
};

const scenarios = {
  pipeline: () => scenario('pipeline, no auth', [], pipeline),
  'pipeline-auth': () => scenario('pipeline, basic auth, no credentials', [`--web.config.file=${auth()}`], pipeline),
  'brute-force': () => {
    const file = auth();
    return scenario('brute force after a reload', [`--web.config.file=${file}`], bruteForce, basic('prometheus', 'scrape'), async (port) => {
      await get(port, '/metrics', basic('prometheus', 'scrape'));
      // A reload that leaves prometheus' hash as it is (another user added).
      writeFileSync(file, `basic_auth_users:\n  prometheus: ${HASH}\n  grafana: ${bcrypt.hashSync('x', 10)}\n`);
      await sleep(2500);
    });
  },
  slots: () => scenario('idle slots at --web.max-connections 50', [`--web.config.file=${auth()}`, '--web.max-connections=50'], slots(50), basic('prometheus', 'scrape'), async (port) => {
    await get(port, '/metrics', basic('prometheus', 'scrape'));
  }),
};

try {
  const rows = [];
  for (const [name, run] of Object.entries(scenarios)) if (!values.only || values.only === name) rows.push(await run());
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
