// Every packet source kind: each module registers itself with registerSource when loaded. A new kind is one line here.
import './capture-file.js';
import './capture-supervisor.js';

export { openSource } from './source.js';
