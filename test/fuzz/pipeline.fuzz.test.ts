import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LAYER_NAMES, REASON_NAMES } from '../../src/decode/decoder.js';
import { PacketView } from '../../src/source/packet-view.js';
import { sample, total } from '../cli/spawn.js';
import { PCAPS } from '../oracle/manifest.js';
import { decodeErrors, service } from './harness.js';
import { loadSeeds, mutate, type Mutant } from './mutator.js';

/** Mutated packets per run: CI runs the default, `npm run fuzz -- --mutations N` sets it. */
const MUTATIONS = Number(process.env.NETSCORE_FUZZ_MUTATIONS ?? 300_000);
/** The run's seed; a failure names it, and the same seed and count replay the same packets. */
const SEED = Number(process.env.NETSCORE_FUZZ_SEED ?? 1);
/** Packet time between two mutants: a run of N packets covers N ms of traffic, many windows and a retrain. */
const TICK = 0.001;
/** Heap growth allowed between the checkpoint and the end, after a full GC: caps hold, so nothing should grow per packet. */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** One line a failing mutant is reported with: enough to replay it. */
function report(i: number, m: Mutant, what: string): string {
  const hex = Buffer.from(m.bytes.subarray(0, 4096)).toString('hex');
  return `NETSCORE_FUZZ_SEED=${SEED} mutation ${i} (${m.ops.join(' ')}; linktype ${m.linktype}, wirelen ${m.wirelen}): ${what}; packet ${hex}`;
}

describe('hostile packets through the whole pipeline', () => {
  it(
    `${MUTATIONS} mutants of the corpus (seed ${SEED}): nothing throws, memory stays bounded, every packet is counted`,
    async () => {
      if (!Number.isInteger(MUTATIONS) || MUTATIONS < 1 || !Number.isInteger(SEED)) throw new Error('NETSCORE_FUZZ_MUTATIONS and NETSCORE_FUZZ_SEED must be integers');
      const seeds = await loadSeeds(PCAPS);
      expect(seeds.length).toBeGreaterThan(10_000);
      const dir = mkdtempSync(path.join(tmpdir(), 'netscore-fuzz-'));
      const logFile = path.join(dir, 'anomalies.jsonl');
      // Small caps so that evictions happen; a short warm-up and retrain interval so that scoring and retraining see mutants.
      const flowMax = 2000;
      const svc = await service({
        'flow.max': String(flowMax),
        'hosts.max': '100',
        'model.warmup': '30s',
        'model.retrain-interval': '120s',
        'anomaly.log-file': logFile,
      });
      const { pipeline, scoring } = svc;
      if (scoring === undefined) throw new Error('the service was built without scoring');
      // The decoder overwrites one result object; this is it, read after each packet.
      const p = pipeline.decoder.decode(new Uint8Array(0), 0, 0, 1);
      const view = new PacketView();
      view.iface = 'fuzz0';
      const tally = new Map<string, number>();
      const failures: string[] = [];
      let expectations = 0;
      let hostsPeak = 0;
      let heapCheckpoint = 0;
      let heapEnd = 0;
      const started = performance.now();
      let ts = 1_700_000_000;
      for (let i = 0; i < MUTATIONS; i++) {
        // Both inside the loop, where everything the run holds (the seeds too) is still live.
        if (i === Math.floor(MUTATIONS / 3)) heapCheckpoint = heapAfterGc();
        if (i === MUTATIONS - 1) heapEnd = heapAfterGc();
        const m = mutate(seeds, SEED, i);
        ts += TICK;
        const t = Math.max(0, ts + m.skew);
        view.data = m.bytes;
        view.offset = 0;
        view.caplen = Math.min(m.bytes.length, m.wirelen);
        view.wirelen = m.wirelen;
        view.tsSec = Math.floor(t);
        view.tsNsec = Math.floor((t - view.tsSec) * 1e9);
        view.linktype = m.linktype;
        try {
          pipeline.sink(view);
        } catch (err) {
          throw new Error(report(i, m, `threw ${(err as Error).stack}`), { cause: err });
        }
        const key = `${LAYER_NAMES[p.errLayer]}/${REASON_NAMES[p.errReason]}`;
        if (p.errLayer !== 0 || p.errReason !== 0) {
          if (!LAYER_NAMES[p.errLayer] || !REASON_NAMES[p.errReason]) failures.push(report(i, m, `unnamed decode error ${p.errLayer}/${p.errReason}`));
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
        if (m.expect !== undefined) {
          expectations++;
          if (key !== m.expect) failures.push(report(i, m, `decoded as "${key}", expected "${m.expect}"`));
        }
        hostsPeak = Math.max(hostsPeak, scoring.windows.trackedHosts);
        if (failures.length >= 5) break;
      }
      const seconds = (performance.now() - started) / 1000;
      expect(failures).toEqual([]);

      pipeline.finish();
      await svc.close();
      const text = await svc.registry.metrics();
      // Every packet counted once; every decode error under its layer and reason, exactly as the decoder reported it.
      expect(total(text, 'netscore_packets_total')).toBe(MUTATIONS);
      expect(Object.fromEntries(decodeErrors(text))).toEqual(Object.fromEntries(tally));
      // Every flow created has left the table under a counted reason; the table and the host table stayed within their caps.
      expect(total(text, 'netscore_flow_evictions_total')).toBe(total(text, 'netscore_flows_total'));
      expect(sample(text, 'netscore_flows_active')).toBe(0);
      expect(hostsPeak).toBeLessThanOrEqual(sample(text, 'netscore_hosts_max')!);
      expect(sample(text, 'netscore_hosts_untracked_total')).toBeGreaterThan(0);
      // Nothing the detector flagged was lost on the way to the anomaly log.
      // One line per anomaly, and per incident one line each time it opened, changed or closed (every incident is closed by the end).
      const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event?: string });
      expect(lines.filter((l) => l.event === undefined).length).toBe(total(text, 'netscore_anomalies_total'));
      expect(lines.filter((l) => l.event === 'incident_close').length).toBe(total(text, 'netscore_incidents_total'));
      expect(sample(text, 'netscore_anomaly_log_lines_lost_total')).toBe(0);
      rmSync(dir, { recursive: true, force: true });

      const growth = heapEnd - heapCheckpoint;
      const errors = [...tally.values()].reduce((a, b) => a + b, 0);
      console.log(
        `fuzz seed ${SEED}: ${MUTATIONS} mutants of ${seeds.length} corpus packets in ${seconds.toFixed(1)} s (${Math.round(MUTATIONS / seconds)}/s); ` +
          `${errors} decode errors under ${tally.size} layer/reason pairs; ${expectations} certain outcomes checked; ` +
          `${total(text, 'netscore_flows_total')} flows, ${sample(text, 'netscore_flow_evictions_total', { reason: 'table_full' })} evicted for room; ` +
          `${total(text, 'netscore_windows_scored_total')} host-windows scored, ${lines.length} anomalies, model generation ${sample(text, 'netscore_model_generation')}; ` +
          `heap ${(heapCheckpoint / 2 ** 20).toFixed(1)} → ${(heapEnd / 2 ** 20).toFixed(1)} MiB, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
      );
      if (MUTATIONS >= 100_000) {
        // Long enough to get past the warm-up: the mutants were scored by a trained model, and retrained on.
        expect(sample(text, 'netscore_model_generation')).toBeGreaterThanOrEqual(2);
        expect(total(text, 'netscore_windows_scored_total')).toBeGreaterThan(0);
      }
      expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    },
    Math.max(60_000, MUTATIONS / 10),
  );
});
