/** The INVOKE header on the wire: `httpTrigger` reaches the runtime only for HTTP trigger invocations (docs/instance-protocol.md). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FRAME_KIND, FrameDecoder, encodeFrame } from './frame-codec.js';
import { listenForRuntime } from './instance-channel.js';

test('the INVOKE header carries httpTrigger: true when set, and no httpTrigger otherwise', async (t) => {
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
