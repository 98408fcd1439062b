/** Polls `fn` until it returns a value other than undefined, null or false; rejects after timeoutMs, with the last error thrown. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 30_000, intervalMs = 250, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const why = lastErr instanceof Error ? ` (last error: ${lastErr.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Polls `url` until it answers 200; resolves to the body. */
export function waitForHttp(url: string, timeoutMs = 10_000): Promise<string> {
  return waitFor(
    async () => {
      const r = await fetch(url);
      return r.ok ? await r.text() : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `${url} to answer 200` },
  );
}
