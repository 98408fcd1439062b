// Writes dist/build-info.json: the git revision and date of this build, read by src/util/version.ts.
// NETSCORE_REVISION (set by the Dockerfile, where there is no .git) wins over `git rev-parse`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

function gitRevision() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const revision = process.env.NETSCORE_REVISION || gitRevision();
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = new Date(Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now()).toISOString();
writeFileSync(new URL('../dist/build-info.json', import.meta.url), `${JSON.stringify({ revision, date })}\n`);
