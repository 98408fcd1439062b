import { readFileSync } from 'node:fs';

/** Version from package.json, read once; the file sits two levels above both src/util and dist/util. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** dist/build-info.json as scripts/build-info.mjs writes it after each build; empty when absent (tests on src/). */
function buildInfo(): { revision?: string; date?: string } {
  try {
    return JSON.parse(readFileSync(new URL('../../dist/build-info.json', import.meta.url), 'utf8')) as { revision?: string; date?: string };
  } catch {
    return {};
  }
}

const info = buildInfo();

/** Git revision of the build: NETSCORE_REVISION when set, else the one the build recorded, else "unknown". */
export const REVISION: string = process.env.NETSCORE_REVISION || info.revision || 'unknown';

/** When the build ran (ISO 8601), or "unknown". */
export const BUILD_DATE: string = info.date ?? 'unknown';
