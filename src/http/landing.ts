/** A link shown on the landing page. */
export interface LandingLink {
  /** Target path. */
  href: string;
  /** Link text. */
  text: string;
}

/** A titled section of pre-escaped HTML, contributed by a later stage (capture status, model, anomalies). */
export interface LandingSection {
  /** Section heading. */
  title: string;
  /** HTML body; the contributor escapes what it interpolates with `escapeHtml`. */
  html: string;
}

/** Escapes text for use in HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Formats seconds of traffic time as `1h 2m 3s`, leaving out leading zero units. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  const first = parts.findIndex(([n]) => n > 0);
  return first < 0 ? '0s' : parts.slice(first).map(([n, unit]) => `${n}${unit}`).join(' ');
}

/** The warm-up progress bar of a warming online model: traffic time learnt of --model.warmup. */
export function warmupProgress(model: { warmupSeconds: number; warmupLearntSeconds: number }): string {
  const total = model.warmupSeconds;
  const learnt = Math.min(model.warmupLearntSeconds, total);
  const percent = total > 0 ? Math.floor((100 * learnt) / total) : 100;
  return `<p class="warmup">Warming up: <progress max="${total}" value="${Math.round(learnt)}">${percent}%</progress> ${formatSeconds(learnt)} of ${formatSeconds(total)} of traffic learnt (${percent}%), about ${formatSeconds(total - learnt)} of traffic left before scoring starts.</p>`;
}

/** Renders the landing page: plain server-side HTML that refreshes itself, no scripts. */
export function landingPage(version: string, links: readonly LandingLink[], sections: readonly LandingSection[]): string {
  const items = links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></li>`).join('');
  const body = sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.html}</section>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>netscore</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}td:not(:last-child){white-space:nowrap}.down{color:#b00}.up{color:#070}</style>
</head><body><h1>netscore</h1><p>Network traffic capture-and-score exporter, version ${escapeHtml(version)}.</p>
<ul>${items}</ul>${body}</body></html>
`;
}
