import { readFileSync } from 'node:fs';

/** Reads a JSON file, or undefined when absent (a build-info file before the first build). */
function readJson<T>(url: URL): T | undefined {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Version from package.json, read once; the file sits two levels above both src/util and dist/util. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What the build recorded (scripts/build-info.mjs writes dist/build-info.json); found from both src/util and dist/util. */
const BUILD = readJson<{ revision?: string; date?: string }>(new URL('../../dist/build-info.json', import.meta.url)) ?? {};

/** Git revision: NETSCORE_REVISION (set in the container image) when set, else the one recorded by the build, else "unknown". */
export const REVISION: string = process.env.NETSCORE_REVISION || BUILD.revision || 'unknown';

/** When the build ran (ISO 8601), or "unknown". */
export const BUILD_DATE: string = BUILD.date ?? 'unknown';
