import { modelFamilySuite } from './family.case.test.js';
import { iforestFamily } from './iforest-family.js';

modelFamilySuite(iforestFamily);
