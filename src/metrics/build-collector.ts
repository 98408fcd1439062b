import { REVISION, VERSION } from '../util/version.js';
import { Family } from './family.js';

/** `netscore_build_info`, the constant-1 gauge that carries the version labels. */
export function buildCollector(): Family[] {
  return [
    new Family('netscore_build_info', 'A metric with a constant value of 1, labelled by the version, revision and Node.js version netscore was built with.', 'gauge', () => [
      { labels: { version: VERSION, revision: REVISION, nodejs: process.version }, value: 1 },
    ]),
  ];
}
