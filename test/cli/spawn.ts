import path from 'node:path';
import { startProcess, type Running } from '../support/child.js';

/** The built CLI (tests run after `npm run build`, see the pretest script). */
export const CLI = path.resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

/** Starts `node dist/cli/main.js ...args` with `env` added to the environment. */
export function start(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  return startProcess(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args, env);
  const code = await r.exit;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** Every sample of `name` in a Prometheus text exposition, with its labels. */
export function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Value of one sample in a Prometheus text exposition, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** Sum of every sample of `name` (all label sets) in a Prometheus text exposition. */
export function total(text: string, name: string): number {
  return samples(text, name).reduce((a, s) => a + s.value, 0);
}
