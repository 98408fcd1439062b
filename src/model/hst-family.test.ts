import { modelFamilySuite } from './family.case.test.js';
import { hstFamily } from './hst-family.js';

modelFamilySuite(hstFamily);
