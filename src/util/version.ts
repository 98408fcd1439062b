import { readFileSync } from 'node:fs';

/** Version from package.json, read once; the file sits two levels above both src/util and dist/util. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Git revision baked in by the build (NETSCORE_REVISION), or "unknown". */
export const REVISION: string = process.env.NETSCORE_REVISION ?? 'unknown';
