/** Runs the VersionStore contract against the SQLite backend (a real file, reopened to check persistence). */
import { runVersionStoreContract } from '../version-store.contract.js';
import { createSqliteStoreFixture } from './sqlite-fixture.js';

runVersionStoreContract('sqlite', createSqliteStoreFixture('openfc-versions-'));
