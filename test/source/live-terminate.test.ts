/**
 * A capture worker thread terminated while its handle delivers packets
 * (LiveShards.close on an error path) must end quietly. Oracle: the exit
 * status of a process that does it 40 times under a UDP flood on lo; before
 * the addon called back with raw N-API, a callback that could not run on the
 * terminating thread built a Napi::Error there, which aborted the whole
 * process (exit 134, "FATAL ERROR: Error::Error napi_define_properties") in
 * two runs of three.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

const ADDON = new URL('../../build/Release/netscore_pcap.node', import.meta.url);
const LIVE_SOURCE = new URL('../../dist/source/live-source.js', import.meta.url);
const SCRIPT = fileURLToPath(new URL('./terminate/terminate-rounds.mjs', import.meta.url));
const skipReason = !existsSync(ADDON) ? 'libpcap addon not built' : !existsSync(LIVE_SOURCE) ? 'dist/ not built (npm run build)' : process.getuid?.() !== 0 ? 'needs root to capture' : undefined;
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);

describe.skipIf(skipReason)(title('capture workers terminated mid-capture'), () => {
  it('40 workers terminated while their handles deliver a flood on lo: the process survives every one and exits 0', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, [SCRIPT, LIVE_SOURCE.href, String(port), '40'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).not.toMatch(/FATAL ERROR/);
    expect({ status: r.status, signal: r.signal, stdout: r.stdout.trim() }).toEqual({ status: 0, signal: null, stdout: 'survived' });
  }, 120_000);
});
