// Replaces the entry modules tsc wrote under dist/ (the CLI and every worker script) with esbuild
// bundles of them and everything they import, netscore's and node_modules', so that a process or
// worker thread loads a few modules instead of about 230 (issue #14 §1; docs/benchmarks.md).
// Each bundle keeps its entry's path, and the CLI's chunks go to dist/chunks/, so `bin`, the worker
// URLs and every path computed from import.meta.url (all two directories under the package root)
// resolve as before. Run after tsc: the bundles are made from tsc's output and overwrite it.
//   CLI      dist/cli/main.js, split at its dynamic imports into chunks under dist/chunks/ that
//            load when used: `--version` loads none of the commands, yargs or the pipeline.
//   workers  each one file: a worker thread loads one module.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
/** The scripts of every `new Worker(url)`; the bcrypt worker is eval'd source, not a file. */
const WORKERS = ['pipeline/shard-worker.js', 'pipeline/live-worker.js', 'model/fit-worker.js'];
const CLI = 'cli/main.js';
// Bundled CommonJS (pino) calls require() for node: built-ins, which an ES module lacks. prom-client
// is not bundled: src/metrics/registry.ts requires its files one by one from node_modules.
const BANNER = "import { createRequire as __netscoreRequire } from 'node:module'; const require = __netscoreRequire(import.meta.url);";

for (const entry of [CLI, ...WORKERS]) {
  if (readFileSync(path.join(dist, entry), 'utf8').includes(BANNER)) throw new Error(`dist/${entry} is already a bundle: run tsc first (npm run build)`);
}
// Chunk names carry a content hash: the last build's would pile up.
for (const dir of ['chunks', 'yargs-locales']) rmSync(path.join(dist, dir), { recursive: true, force: true });
/**
 * yargs' ES module shim finds its package from its own import.meta.url, which in a bundle is the
 * bundle's: its message translations (read by file name for the locale in LANG) are copied to
 * dist/yargs-locales/, and the directory it starts looking for a package.json with `yargs`
 * parser settings in is netscore's root, as when yargs is installed under it.
 */
const yargsShim = {
  name: 'yargs-shim',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      cpSync(path.resolve(path.dirname(args.path), '../../locales'), path.join(dist, 'yargs-locales'), { recursive: true });
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of [
        ["__dirname.substring(0, __dirname.lastIndexOf('node_modules'))", "fileURLToPath(new URL('../../', import.meta.url))"],
        ["resolve(__dirname, '../../../locales')", "fileURLToPath(new URL('../yargs-locales', import.meta.url))"],
      ]) {
        if (!text.includes(from)) throw new Error(`${args.path} no longer contains ${from}: check how this yargs finds its files`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};
/** Options common to both builds. */
const common = {
  outbase: dist,
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: BANNER },
  sourcemap: true,
  logLevel: 'warning',
  plugins: [yargsShim],
};
const [cli] = await Promise.all([
  build({ ...common, entryPoints: [path.join(dist, CLI)], splitting: true, chunkNames: 'chunks/[name]-[hash]', metafile: true }),
  build({ ...common, entryPoints: WORKERS.map((w) => path.join(dist, w)) }),
]);
// Every worker script the CLI starts (`new URL('../../dist/….js', import.meta.url)`) must be one of WORKERS.
for (const out of Object.keys(cli.metafile.outputs).filter((f) => f.endsWith('.js'))) {
  for (const [, script] of readFileSync(out, 'utf8').matchAll(/new URL\("\.\.\/\.\.\/dist\/([^"]+\.js)", import\.meta\.url\)/g)) {
    if (!WORKERS.includes(script)) throw new Error(`${out} starts dist/${script}, which is not bundled: add it to WORKERS in scripts/bundle.mjs`);
  }
}
