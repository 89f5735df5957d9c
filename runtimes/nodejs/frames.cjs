// Frame encoding for the instance protocol (docs/instance-protocol.md), runtime side. Plain JS, no deps:
// this file runs inside function instances, so it cannot share the host's TypeScript codec.
'use strict';

const PREFIX = 13;
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const KIND = { HELLO: 1, ASSIGN: 2, ASSIGN_RESULT: 3, INVOKE: 4, INVOKE_RESULT: 5, HOOK: 6, HOOK_RESULT: 7 };
const EMPTY = Buffer.alloc(0);

function encode(kind, id, header, body) {
  const json = JSON.stringify(header);
  const hlen = Buffer.byteLength(json);
  const b = body || EMPTY;
  const out = Buffer.allocUnsafe(PREFIX + hlen + b.length);
  out.writeUInt32BE(out.length - 4, 0);
  out.writeUInt8(kind, 4);
  out.writeUInt32BE(id, 5);
  out.writeUInt32BE(hlen, 9);
  out.write(json, PREFIX, 'utf8');
  if (b.length) b.copy(out, PREFIX + hlen);
  return out;
}

/** Returns a function that takes chunks and calls onFrame(kind, id, header, body) per complete frame. */
function createDecoder(onFrame) {
  let chunks = [];
  let total = 0;
  return (chunk) => {
    chunks.push(chunk);
    total += chunk.length;
    while (total >= 4) {
      if (chunks[0].length < 4) chunks = [Buffer.concat(chunks, total)];
      const len = chunks[0].readUInt32BE(0);
      if (len > MAX_FRAME_BYTES || len < PREFIX - 4) throw new Error('bad frame length ' + len);
      if (total < 4 + len) break;
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
      const hlen = buf.readUInt32BE(9);
      const header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + hlen));
      const rest = buf.subarray(4 + len);
      chunks = rest.length ? [rest] : [];
      total = rest.length;
      onFrame(buf.readUInt8(4), buf.readUInt32BE(5), header, buf.subarray(PREFIX + hlen, 4 + len));
    }
  };
}

module.exports = { KIND, encode, createDecoder };
