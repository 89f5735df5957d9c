import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../events/event-bus.js';
import { createMetrics } from './metrics.js';

const completed = (functionName: string, durationMs: number, errorType?: string) => ({ requestId: 'r', accountId: 'a"1', functionName, instanceId: 'c-1', durationMs, ...(errorType && { errorType }) });

test('invocations are counted per function and error type, and their durations land in cumulative buckets', () => {
  const events = new EventBus(() => {});
  const metrics = createMetrics(events);
  events.emit('invocation:completed', completed('f', 3));
  events.emit('invocation:completed', completed('f', 70, 'UnhandledInvocationError'));
  events.emit('invocation:completed', completed('g', 0.5));
  events.emit('invocation:completed', completed('f', 2_000_000));
  const text = metrics.render([{ accountId: 'a"1', functionName: 'f', state: 'idle' }, { accountId: 'a"1', functionName: 'f', state: 'idle' }]);
  const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix))?.split(' ').at(-1);
  assert.equal(line('openfc_invocations_total{account_id="a\\"1",function_name="f",error_type="none"}'), '2');
  assert.equal(line('openfc_invocations_total{account_id="a\\"1",function_name="f",error_type="UnhandledInvocationError"}'), '1');
  assert.equal(line('openfc_invocations_total{account_id="a\\"1",function_name="g",error_type="none"}'), '1');
  const bucket = (fn: string, le: string) => line(`openfc_invocation_duration_seconds_bucket{account_id="a\\"1",function_name="${fn}",le="${le}"}`);
  assert.equal(bucket('f', '0.001'), '0');
  assert.equal(bucket('f', '0.005'), '1');
  assert.equal(bucket('f', '0.1'), '2');
  assert.equal(bucket('f', '900'), '2', 'the 2000 s invocation is above every bound');
  assert.equal(bucket('f', '+Inf'), '3');
  assert.equal(bucket('g', '0.001'), '1');
  assert.equal(line('openfc_invocation_duration_seconds_count{account_id="a\\"1",function_name="f"}'), '3');
  assert.equal(line('openfc_instances{account_id="a\\"1",function_name="f",state="idle"}'), '2');
});
