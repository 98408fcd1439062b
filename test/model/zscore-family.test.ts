import { registerModelFamily } from '../../src/model/families.js';
import { modelFamilySuite } from '../../src/model/family.case.test.js';
import { zscoreFamily } from './zscore-family.js';

registerModelFamily(zscoreFamily);
modelFamilySuite(zscoreFamily);
