/**
 * netscore's landing page in headless Chromium (Debian `chromium`, driven by
 * playwright-core), served by a real netscore replaying a synthetic capture
 * with a scan and a brute force at 2× real time, scoring with a model trained
 * on benign traffic. Oracles: the synth labels (attackers and their
 * categories), the capture file name, /api/incidents and /api/anomalies, and the page's own
 * reloads. JavaScript is disabled in the browser: the page must work without.
 *
 * `UPDATE_SCREENSHOT=1` also writes docs/img/landing.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from '../bundle/netscore-proc.js';
import { REPO_ROOT } from '../bundle/prom-harness.js';
import { PCAPS } from '../oracle/manifest.js';

const CHROMIUM = '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is missing (apt-get install chromium, or scripts/setup.sh --test)`;
/** The synth category of each attack type the capture holds. */
const CATEGORY: Record<string, string> = { scan: 'scan', bruteforce: 'brute-force' };

/** A headless Chromium without JavaScript, its profile under `dir`. */
function headlessChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    javaScriptEnabled: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** One row of an HTML table as cell texts. */
type Row = string[];

/** The rows (without the header) of the table in the section titled `title`. */
async function tableRows(page: Page, title: string): Promise<Row[]> {
  const rows = page.locator('section', { has: page.locator('h2', { hasText: title }) }).locator('tr');
  const all = await Promise.all((await rows.all()).map((r) => r.locator('td').allInnerTexts()));
  return all.filter((cells) => cells.length > 0);
}

describe.skipIf(skipReason)(`landing page in headless Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let dir: string;
  let attacks: SynthAttack[];
  let pcap: string;
  let ns: NetscoreReplay;
  let browser: BrowserContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netscore-landing-'));
    const model = trainBenignModel(dir, '900');
    // The scan is at 12 s, the brute force from 24 s to 114 s of the 120 s.
    const s = synthesize(dir, { duration: '120', attacks: 'scan,bruteforce', name: 'landing' });
    attacks = s.attacks;
    pcap = s.pcap;
    ns = await startReplay(pcap, 2, [`--model.file=${model}`]);
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ns?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows capture status, model state and incidents, refreshes itself, links to metrics and the API, and runs no script', async () => {
    const base = `http://${ns.address}`;
    const page = browser.pages()[0] ?? (await browser.newPage());
    let loads = 0;
    page.on('load', () => loads++);
    const first = await page.goto(`${base}/`);
    expect(first?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.title()).toBe('netscore');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(/^\d+$/);
    const receivedAt = async () => Number((await tableRows(page, 'Capture'))[0]?.[2]);
    const before = await receivedAt();

    // The test never navigates again: each further load is the page refreshing itself.
    const attackers = new Map(attacks.map((a) => [a.attacker_ip, CATEGORY[a.type]]));
    let incidents: Row[] = [];
    const screenshot = Boolean(process.env.UPDATE_SCREENSHOT);
    const hostsOf = (row: Row) => row[5].split(', ');
    // For the screenshot, wait for the brute force too.
    while (loads < 2 || !incidents.some((r) => hostsOf(r).some((h) => attackers.has(h))) || (screenshot && !incidents.some((r) => r[6] === 'brute-force'))) {
      await page.waitForEvent('load', { timeout: 20_000 });
      incidents = await tableRows(page, 'Incidents');
    }
    expect(await receivedAt(), 'the reloaded page shows newer counts').toBeGreaterThan(before);

    // Capture: one interface of the file, up while replaying; the source names the file.
    const capture = await tableRows(page, 'Capture');
    expect(capture).toEqual([[expect.any(String), 'up', expect.stringMatching(/^\d+$/), '0']]);
    const source = page.locator('section', { has: page.locator('h2', { hasText: 'Capture' }) }).locator('p');
    expect(await source.innerText()).toBe(`Source: replay of ${pcap} at 2× real time`);
    expect(basename(pcap)).toBe('landing.pcap');

    // Model: scoring with the loaded model.
    const model = await page.locator('section', { has: page.locator('h2', { hasText: 'Model' }) }).innerText();
    const threshold = Number(/State: scoring, generation 1, trained on \d+ host-windows, threshold (0\.\d{3})\./.exec(model)?.[1]);
    expect(threshold, model).toBeGreaterThan(0);

    // Incidents: each row is an incident of /api/incidents as it was when the page was made (an open one may have grown since);
    // its windows are flagged windows of its hosts in /api/anomalies, the peak among them; an attacker's incident has its category.
    const byId = new Map(((await (await fetch(`${base}/api/incidents?limit=1000`)).json()) as { id: number; start: number; hosts: string[]; category: string; peak_score: number; peak_host: string; peak_window: number }[]).map((i) => [i.id, i]));
    const api = (await (await fetch(`${base}/api/anomalies?limit=1000`)).json()) as { window_start: number; window_end: number; host: string; category: string; severity: string; score: number }[];
    for (const row of incidents) {
      const [id, state, start, end, windows, , category, severity, score, features] = row;
      const i = byId.get(Number(id));
      expect(i, `incident ${id} is in /api/incidents`).toBeDefined();
      expect([Date.parse(start) / 1000, hostsOf(row)[0], category]).toEqual([i!.start, i!.hosts[0], i!.category]);
      expect(['open', 'closed']).toContain(state);
      expect(['warning', 'critical']).toContain(severity);
      const own = api.filter((a) => hostsOf(row).includes(a.host) && a.window_start >= Date.parse(start) / 1000 && a.window_end <= Date.parse(end) / 1000);
      expect(own.length, `incident ${id}`).toBe(Number(windows));
      expect(Math.max(...own.map((a) => a.score))).toBeCloseTo(Number(score), 3);
      expect(Number(score)).toBeGreaterThan(threshold);
      expect(features).toMatch(/^[a-z_]+=\S+ \((host \S+, )?median \S+\)/);
    }
    const attackerRows = incidents.filter((r) => attackers.has(hostsOf(r)[0]));
    expect(attackerRows.length).toBeGreaterThan(0);
    for (const r of attackerRows) expect(r[6]).toBe(attackers.get(hostsOf(r)[0]));

    if (screenshot) await page.screenshot({ path: join(REPO_ROOT, 'docs', 'img', 'landing.png'), fullPage: true });

    // The links work.
    await page.getByRole('link', { name: 'Metrics' }).click();
    expect(page.url()).toBe(`${base}/metrics`);
    expect(await page.locator('body').innerText()).toMatch(/^netscore_packets_total\{interface="[^"]+",protocol="tcp"\} \d+$/m);
    await page.goBack();
    await page.getByRole('link', { name: 'API: anomalies' }).click();
    expect(page.url()).toBe(`${base}/api/anomalies`);
    const listed = JSON.parse(await page.locator('body').innerText()) as { host: string }[];
    expect(listed.some((a) => attackers.has(a.host))).toBe(true);
    await page.goBack();
    await page.getByRole('link', { name: 'API: incidents' }).click();
    expect(page.url()).toBe(`${base}/api/incidents`);
    const merged = JSON.parse(await page.locator('body').innerText()) as { hosts: string[] }[];
    expect(merged.some((i) => i.hosts.some((h) => attackers.has(h)))).toBe(true);
  }, 90_000);
});

describe.skipIf(skipReason)(`warm-up progress on the landing page in headless Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('shows the traffic time learnt of --model.warmup while the online model warms up, and it grows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netscore-warmup-'));
    // 120 s of traffic at 4× real time, a 600 s warm-up: warming for the whole test.
    const { pcap } = synthesize(dir, { duration: '120', attacks: 'none', name: 'warmup' });
    const ns = await startReplay(pcap, 4, ['--model.warmup=600']);
    const browser = await headlessChromium(dir);
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      const progress = async () => {
        await page.goto(`http://${ns.address}/`);
        const bar = page.locator('section', { has: page.locator('h2', { hasText: 'Model' }) }).locator('progress');
        return { max: Number(await bar.getAttribute('max')), value: Number(await bar.getAttribute('value')), text: await page.locator('p.warmup').innerText() };
      };
      // The first window closes after 10 s of traffic (2.5 s here).
      await new Promise((r) => setTimeout(r, 6000));
      const first = await progress();
      expect(first.max).toBe(600);
      expect(first.value).toBeGreaterThan(0);
      const words = /^Warming up: .*?((?:\d+m )?\d+s) of 10m 0s of traffic learnt \((\d+)%\), about ((?:\d+m )?\d+s) of traffic left before scoring starts\.$/.exec(first.text);
      expect(words, first.text).not.toBeNull();
      expect(Number(words?.[2])).toBe(Math.floor((100 * first.value) / 600));
      await new Promise((r) => setTimeout(r, 6000));
      const later = await progress();
      expect(later.value).toBeGreaterThan(first.value);
      // The metric says the same as the page, in seconds of traffic.
      const metrics = await (await fetch(`http://${ns.address}/metrics`)).text();
      const learnt = Number(/^netscore_model_warmup_learnt_seconds (\S+)$/m.exec(metrics)?.[1]);
      expect(learnt).toBeGreaterThanOrEqual(later.value);
      expect(/^netscore_model_warmup_seconds (\S+)$/m.exec(metrics)?.[1]).toBe('600');
    } finally {
      await browser.close();
      await ns.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** The one attack in flood-syn-single-source-synthetic.pcap: 200 SYNs from 192.0.2.10 to one port. */
const FLOOD = join(PCAPS, 'attacks', 'flood-syn-single-source-synthetic.pcap');

describe.skipIf(skipReason || !existsSync(FLOOD))(`a SYN flood's victim in the log line, /api/anomalies and the page's incident${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('names the destination address and port the flooder sent its packets to, as tshark counts them', async () => {
    // The oracle: tshark's count of packets per (destination, port) of the flooding host.
    const counts = execFileSync('tshark', ['-r', FLOOD, '-Y', 'ip.src == 192.0.2.10', '-T', 'fields', '-e', 'ip.dst', '-e', 'tcp.dstport'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
    const [[victim, packets]] = [...counts].sort((x, y) => y[1] - x[1]);
    const [address, port] = victim.split('\t');
    const dir = mkdtempSync(join(tmpdir(), 'netscore-flood-'));
    const model = trainBenignModel(dir, '300');
    const ns = await startReplay(FLOOD, 0, [`--model.file=${model}`, '--replay.hold']);
    const browser = await headlessChromium(dir);
    try {
      const base = `http://${ns.address}`;
      let api: { host: string; category: string; window_start: number; peers: unknown[] }[] = [];
      for (const until = Date.now() + 20_000; api.length === 0 && Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
        api = (await (await fetch(`${base}/api/anomalies?host=192.0.2.10`)).json()) as typeof api;
      }
      expect(api).toHaveLength(1);
      expect(api[0]).toMatchObject({ category: 'flood', peers: [{ address, port: Number(port), packets }] });

      const line = ns.logs().split('\n').find((l) => l.includes('msg=anomaly') && l.includes('host=192.0.2.10'));
      expect(line).toContain(`window=${new Date(api[0].window_start * 1000).toISOString()}`);
      expect(line).toContain('category=flood');
      expect(line).toMatch(/ score=\d/);
      expect(line).toMatch(/ top="[a-z_]+=\S+ \(median /);
      expect(line).toContain(`peers="${address}:${port} (${packets} packets)"`);

      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${base}/`);
      // The input has ended: its one incident is closed.
      const rows = (await tableRows(page, 'Incidents')).filter((r) => r[5] === '192.0.2.10');
      expect(rows).toHaveLength(1);
      expect([rows[0][1], rows[0][6]]).toEqual(['closed', 'flood']);
      expect(rows[0][10]).toBe(`${address}:${port} (${packets} packets)`);
    } finally {
      await browser.close();
      await ns.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
