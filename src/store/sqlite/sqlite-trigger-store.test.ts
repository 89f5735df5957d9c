/** Runs the TriggerStore contract against the SQLite backend. */
import { runTriggerStoreContract } from '../trigger-store.contract.js';
import { createSqliteStoreFixture } from './sqlite-fixture.js';

runTriggerStoreContract('sqlite', createSqliteStoreFixture('openfc-trigger-store-'));
