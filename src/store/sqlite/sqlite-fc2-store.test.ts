/** Runs the FC 2.0 service store contract against the SQLite MetadataStore. */
import { runFc2StoreContract } from '../fc2-store.contract.js';
import { createSqliteStoreFixture } from './sqlite-fixture.js';

runFc2StoreContract('sqlite', createSqliteStoreFixture('openfc-fc2-store-'));
