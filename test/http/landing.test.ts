/**
 * netscore's landing page in headless Chromium (Debian `chromium`, driven by
 * playwright-core), served by a real netscore replaying a synthetic capture
 * with a scan and a brute force at 2× real time, scoring with a model trained
 * on benign traffic. Oracles: the synth labels (attackers and their
 * categories), the capture file name, /api/anomalies, and the page's own
 * reloads. JavaScript is disabled in the browser: the page must work without.
 *
 * `UPDATE_SCREENSHOT=1` also writes docs/img/landing.png.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplay, synthesize, trainBenignModel, type NetscoreReplay, type SynthAttack } from '../bundle/netscore-proc.js';
import { REPO_ROOT } from '../bundle/prom-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is missing (apt-get install chromium, or scripts/setup.sh --test)`;
/** The synth category of each attack type the capture holds. */
const CATEGORY: Record<string, string> = { scan: 'scan', bruteforce: 'brute-force' };

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

  it('shows capture status, model state and recent anomalies, refreshes itself, links to metrics and the API, and runs no script', async () => {
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
    let anomalies: Row[] = [];
    const screenshot = Boolean(process.env.UPDATE_SCREENSHOT);
    // For the screenshot, wait for the brute force too.
    while (loads < 2 || !anomalies.some(([, host]) => attackers.has(host)) || (screenshot && !anomalies.some(([, , category]) => category === 'brute-force'))) {
      await page.waitForEvent('load', { timeout: 20_000 });
      anomalies = await tableRows(page, 'Recent anomalies');
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

    // Anomalies: each row is one of /api/anomalies; an attacker's row has its category, a score above the threshold and top features.
    const api = (await (await fetch(`${base}/api/anomalies?limit=1000`)).json()) as { window_start: number; host: string; category: string; severity: string; score: number }[];
    for (const [window, host, category, severity, score, features] of anomalies) {
      expect(api, `${host} ${category} ${score} is in /api/anomalies`).toContainEqual(
        expect.objectContaining({ window_start: Date.parse(window) / 1000, host, category, severity, score: expect.closeTo(Number(score), 3) }),
      );
      expect(Number(score)).toBeGreaterThan(threshold);
      expect(features).toMatch(/^[a-z_]+=\S+/);
    }
    const attackerRows = anomalies.filter(([, host]) => attackers.has(host));
    expect(attackerRows.length).toBeGreaterThan(0);
    for (const [, host, category] of attackerRows) expect(category).toBe(attackers.get(host));

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
  }, 90_000);
});

describe.skipIf(skipReason)(`warm-up progress on the landing page in headless Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('shows the traffic time learnt of --model.warmup while the online model warms up, and it grows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netscore-warmup-'));
    // 120 s of traffic at 4× real time, a 600 s warm-up: warming for the whole test.
    const { pcap } = synthesize(dir, { duration: '120', attacks: 'none', name: 'warmup' });
    const ns = await startReplay(pcap, 4, ['--model.warmup=600']);
    const browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
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
