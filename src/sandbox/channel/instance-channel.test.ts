/** The host side of the channel: multiplexing by id, and failing pending requests on close. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FRAME_KIND, FrameDecoder, encodeFrame } from './frame-codec.js';
import { ChannelClosedError, listenForRuntime } from './instance-channel.js';

async function connectFakeRuntime(t: { after(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-ch-'));
  const sock = path.join(dir, 'fc.sock');
  const { server, connection } = await listenForRuntime(sock);
  const runtime = net.connect(sock);
  const channel = await connection;
  t.after(() => {
    channel.close();
    runtime.destroy();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { channel, runtime };
}

test('answers concurrent invocations in whatever order the runtime replies', async (t) => {
  const { channel, runtime } = await connectFakeRuntime(t);
  const decoder = new FrameDecoder();
  const received: { id: number; event: string }[] = [];
  runtime.on('data', (c: Buffer) => {
    for (const f of decoder.push(c)) received.push({ id: f.id, event: f.body.toString() });
    if (received.length === 2) for (const r of [...received].reverse()) runtime.write(encodeFrame(FRAME_KIND.INVOKE_RESULT, r.id, {}, Buffer.from('re:' + r.event)));
  });
  runtime.write(encodeFrame(FRAME_KIND.HELLO, 0, { protocol: 1, runtime: 'fake', pid: 1 }));
  assert.equal((await channel.hello).runtime, 'fake');
  const [a, b] = await Promise.all([
    channel.invoke({ requestId: 'a', isLogTail: false, deadlineMs: 0 }, Buffer.from('A')),
    channel.invoke({ requestId: 'b', isLogTail: false, deadlineMs: 0 }, Buffer.from('B')),
  ]);
  assert.equal(a.body.toString(), 're:A');
  assert.equal(b.body.toString(), 're:B');
  assert.equal(channel.inFlight, 0);
});

test('closing rejects every pending request with ChannelClosedError', async (t) => {
  const { channel, runtime } = await connectFakeRuntime(t);
  const closed = new Promise<void>((resolve) => channel.onClose(resolve));
  const pending = channel.invoke({ requestId: 'x', isLogTail: false, deadlineMs: 0 }, Buffer.alloc(0));
  runtime.destroy();
  await assert.rejects(pending, ChannelClosedError);
  await closed;
  assert.equal(channel.isClosed, true);
  await assert.rejects(channel.invoke({ requestId: 'y', isLogTail: false, deadlineMs: 0 }, Buffer.alloc(0)), ChannelClosedError);
});

test('the INVOKE header carries httpTrigger: true when set, and no httpTrigger otherwise (docs/instance-protocol.md)', async (t) => {
  const { channel, runtime } = await connectFakeRuntime(t);
  const decoder = new FrameDecoder();
  const headers: Record<string, unknown>[] = [];
  runtime.on('data', (c: Buffer) => {
    for (const f of decoder.push(c)) {
      headers.push(f.header as Record<string, unknown>);
      runtime.write(encodeFrame(FRAME_KIND.INVOKE_RESULT, f.id, {}, Buffer.alloc(0)));
    }
  });
  runtime.write(encodeFrame(FRAME_KIND.HELLO, 0, { protocol: 1, runtime: 'fake', pid: 1 }));
  await channel.hello;
  await channel.invoke({ requestId: 'plain', isLogTail: false, deadlineMs: 5 }, Buffer.from('{}'));
  await channel.invoke({ requestId: 'web', isLogTail: true, deadlineMs: 6, httpTrigger: true }, Buffer.from('{}'));
  assert.deepEqual(headers, [
    { requestId: 'plain', isLogTail: false, deadlineMs: 5 },
    { requestId: 'web', isLogTail: true, deadlineMs: 6, httpTrigger: true },
  ]);
});
