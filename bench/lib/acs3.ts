// Client-side ACS3 signing for benchmarks lives in src/iam/acs3-client.ts, so requests can be
// signed ahead of the timed loop, each with its own nonce.
export { acsDate, signHeaders, type SigningCredentials as BenchCredentials } from '../../src/iam/acs3-client.js';
