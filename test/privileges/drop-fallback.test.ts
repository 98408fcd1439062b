// Without the addon (not built, or not Linux) --run-as falls back to
// process.setuid, which keeps no capability; `run` cannot capture without the
// addon anyway, so this only keeps the switch itself working.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = path.resolve(import.meta.dirname, '..', '..', 'dist');
const root = process.getuid?.() === 0;
let dir = '';

describe.skipIf(!root)(`dropPrivileges without the addon${root ? '' : ' (skipped: needs root)'}`, () => {
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('switches user with process.setuid and reports no capability kept', () => {
    // A copy of the compiled sources with no build/ next to it: the addon cannot be found.
    dir = mkdtempSync(path.join(tmpdir(), 'netscore-fallback-'));
    chmodSync(dir, 0o755);
    cpSync(DIST, path.join(dir, 'dist'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
    expect(existsSync(path.join(dir, 'build'))).toBe(false);
    const script = path.join(dir, 'child.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
      import { dropPrivileges } from './dist/privileges/drop.js';
      const ids = dropPrivileges('nobody');
      console.log(JSON.stringify({ ids, status: readFileSync('/proc/self/status', 'utf8') }));`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const { ids, status } = JSON.parse(r.stdout) as { ids: { uid: number; capabilities: string[] }; status: string };
    expect(ids).toMatchObject({ name: 'nobody', uid: 65534, capabilities: [] });
    expect(status).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(status).toMatch(/^CapPrm:\s+0{16}$/m);
    expect(status).toMatch(/^CapEff:\s+0{16}$/m);
  });
});
