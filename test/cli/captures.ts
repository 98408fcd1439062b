import path from 'node:path';
import { runCli } from './spawn.js';

/** Writes `dir/NAME.pcap` (and its labels, `dir/NAME.json`) with `netscore synth ARGS`; returns the capture's path. */
export async function synthCapture(dir: string, name: string, args: string[]): Promise<string> {
  const file = path.join(dir, `${name}.pcap`);
  const r = await runCli(['synth', '-o', file, `--labels=${path.join(dir, `${name}.json`)}`, '--log.level=error', ...args]);
  if (r.code !== 0) throw new Error(`netscore synth failed: ${r.stderr}`);
  return file;
}

/** Trains `dir/model.json` with `netscore train` on two minutes of benign synth traffic; returns its path and the capture's. */
export async function trainedModel(dir: string): Promise<{ model: string; baseline: string }> {
  const baseline = await synthCapture(dir, 'baseline', ['--duration=120', '--attacks=none']);
  const model = path.join(dir, 'model.json');
  const r = await runCli(['train', `--model.out=${model}`, '--log.level=error', baseline]);
  if (r.code !== 0) throw new Error(`netscore train failed: ${r.stderr}`);
  return { model, baseline };
}
