import { modelFamilySuite } from './family.case.test.js';
import { modelFamily } from './families.js';
import { ENSEMBLE_KIND } from './ensemble.js';

modelFamilySuite(modelFamily(ENSEMBLE_KIND));
