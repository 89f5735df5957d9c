import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCorsConfig, corsHeaders, preflight } from './cors.js';

describe('HTTP trigger corsConfig', () => {
  const cors = checkCorsConfig({ allowOrigins: ['https://app.example.com'], allowMethods: ['get', 'POST'], allowHeaders: ['Content-Type'], exposeHeaders: ['X-Id'], allowCredentials: true, maxAge: 600 });

  test('answers a preflight from an allowed origin with the allowed methods, headers and max age', () => {
    assert.deepEqual(preflight(cors, 'OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'POST' }, ['GET']), {
      'access-control-allow-origin': 'https://app.example.com', vary: 'Origin', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'X-Id',
      'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'Content-Type', 'access-control-max-age': '600',
    });
  });

  test('leaves other origins, and OPTIONS requests that are not preflights, to the function', () => {
    assert.equal(preflight(cors, 'OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }, ['GET']), undefined);
    assert.equal(preflight(cors, 'OPTIONS', { origin: 'https://app.example.com' }, ['GET']), undefined);
    assert.deepEqual(corsHeaders(cors, { origin: 'https://evil.example' }), {});
    assert.deepEqual(corsHeaders(cors, {}), {});
  });

  test('a wildcard origin answers * unless credentials are allowed', () => {
    assert.equal(corsHeaders(checkCorsConfig({ allowOrigins: ['*'] }), { origin: 'https://a.example' })['access-control-allow-origin'], '*');
    assert.equal(corsHeaders(checkCorsConfig({ allowOrigins: ['*'], allowCredentials: true }), { origin: 'https://a.example' })['access-control-allow-origin'], 'https://a.example');
  });

  test('refuses malformed configs', () => {
    for (const bad of [[], { allowOrigins: 'x' }, { allowOrigins: ['a\r\nb'] }, { maxAge: -1 }, { allowCredentials: 'yes' }, { origins: ['*'] }]) {
      assert.throws(() => checkCorsConfig(bad), (e: Error & { code?: string }) => e.code === 'InvalidArgument', JSON.stringify(bad));
    }
  });
});
