import type { EvalReport } from './evaluate.js';

/** Fixed-point text of a ratio, or "-" when undefined. */
function ratio(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** The report as a readable text table: totals, then one row per attack type with the category it should raise and how many detected windows got it. */
export function formatReport(r: EvalReport): string {
  const lines = [
    `host-windows: ${r.windows} (window ${r.windowSeconds} s): attack ${r.attackWindows}, victim ${r.victimWindows}, benign ${r.benignWindows}`,
    `benign flagged: ${r.benignFlagged} (FPR ${ratio(100 * r.falsePositiveRate, 2)}%)   ROC AUC: ${ratio(r.auc, 4)}`,
    '',
  ];
  const rows = Object.entries(r.perType).map(([type, t]) => [
    type,
    String(t.windows),
    String(t.detected),
    ratio(t.recall),
    t.expected ?? '-',
    t.expected === undefined ? '-' : String(t.named),
    Object.entries(t.categories)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c}:${n}`)
      .join(' ') || '-',
  ]);
  const header = ['type', 'windows', 'detected', 'recall', 'expected', 'named', 'categories'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  // Text columns (type, expected) are left-aligned, numbers right-aligned; the last column is not padded.
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(line(header), ...rows.map(line));
  return lines.join('\n');
}
