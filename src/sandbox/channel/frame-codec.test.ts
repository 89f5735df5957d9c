/** The frame codec: round trips however the bytes are split or merged. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_KIND, FrameDecoder, FrameProtocolError, MAX_FRAME_BYTES, encodeFrame } from './frame-codec.js';

test('decodes frames split at every byte and merged into one chunk', () => {
  const a = encodeFrame(FRAME_KIND.INVOKE, 7, { requestId: 'r1' }, Buffer.from('hello'));
  const b = encodeFrame(FRAME_KIND.HOOK, 8, { hook: 'preStop' });
  const all = Buffer.concat([a, b]);
  for (const split of [1, 3, 13, all.length]) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < all.length; i += split) frames.push(...decoder.push(all.subarray(i, i + split)));
    assert.equal(frames.length, 2);
    assert.deepEqual([frames[0]!.kind, frames[0]!.id, frames[0]!.header, frames[0]!.body.toString()], [FRAME_KIND.INVOKE, 7, { requestId: 'r1' }, 'hello']);
    assert.deepEqual([frames[1]!.kind, frames[1]!.id, frames[1]!.body.length], [FRAME_KIND.HOOK, 8, 0]);
  }
});

test('decodes a large body arriving in many chunks without quadratic copying', () => {
  const body = Buffer.alloc(32 * 1024 * 1024, 1);
  const frame = encodeFrame(FRAME_KIND.INVOKE, 1, {}, body);
  const decoder = new FrameDecoder();
  let out: ReturnType<FrameDecoder['push']> = [];
  for (let i = 0; i < frame.length; i += 65536) out = out.concat(decoder.push(frame.subarray(i, i + 65536)));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.body.length, body.length);
});

test('refuses a frame longer than the limit', () => {
  const bad = Buffer.alloc(13);
  bad.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
  assert.throws(() => new FrameDecoder().push(bad), FrameProtocolError);
});

test('a header given as JSON text encodes exactly like the same header as an object', () => {
  const header = { requestId: '1-"quoted"', isLogTail: true, deadlineMs: 123 };
  assert.deepEqual(encodeFrame(4, 7, JSON.stringify(header), Buffer.from('x')), encodeFrame(4, 7, header, Buffer.from('x')));
});
