// Writes dist/build-info.json: the git revision and the build date that `netscore --version` and netscore_build_info report.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

let revision = process.env.NETSCORE_REVISION;
if (!revision) {
  try {
    revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    revision = 'unknown';
  }
}
// SOURCE_DATE_EPOCH (reproducible builds) wins over the clock.
const epoch = process.env.SOURCE_DATE_EPOCH;
const date = new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
writeFileSync(new URL('../dist/build-info.json', import.meta.url), `${JSON.stringify({ revision, date })}\n`);
