// The synth captures the benchmarks replay, cached under .bench/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const { writeSynth } = await import(path.join(dist, 'synth', 'synth.js'));

/**
 * The synth capture for `opts`, from the cache in .bench/ when the generator's built code is
 * unchanged; a new one replaces older cached captures. Written under a temporary name and
 * renamed, so an interrupted run leaves no half file behind.
 */
export async function cachedSynth(opts, name) {
  const synthDir = path.join(dist, 'synth');
  const hash = createHash('sha256').update(JSON.stringify(opts));
  for (const f of readdirSync(synthDir).filter((f) => f.endsWith('.js')).sort()) hash.update(f).update(readFileSync(path.join(synthDir, f)));
  const dir = path.join(root, '.bench');
  mkdirSync(dir, { recursive: true });
  const key = `${name}-${hash.digest('hex').slice(0, 12)}`;
  const file = path.join(dir, `${key}.pcap`);
  const meta = path.join(dir, `${key}.json`);
  if (existsSync(file) && existsSync(meta)) return { file, ...JSON.parse(readFileSync(meta, 'utf8')), cached: true };
  for (const f of readdirSync(dir)) if (f.startsWith(`${name}-`)) rmSync(path.join(dir, f), { force: true });
  const t = performance.now();
  const tmp = `${file}.${process.pid}.tmp`;
  const { packets, bytes } = await writeSynth(opts, tmp);
  renameSync(tmp, file);
  writeFileSync(meta, `${JSON.stringify({ packets, bytes })}\n`);
  return { file, packets, bytes, cached: false, seconds: (performance.now() - t) / 1000 };
}

