/**
 * @module sandbox/channel/frame-codec
 * The length-prefixed frames of the instance protocol (docs/instance-protocol.md):
 * u32 frameLength | u8 kind | u32 id | u32 headerLength | header JSON | body.
 */

export const FRAME_KIND = {
  HELLO: 1,
  ASSIGN: 2,
  ASSIGN_RESULT: 3,
  INVOKE: 4,
  INVOKE_RESULT: 5,
  HOOK: 6,
  HOOK_RESULT: 7,
} as const;
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];

export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const PREFIX_BYTES = 13;

export interface Frame {
  readonly kind: number;
  readonly id: number;
  readonly header: Record<string, unknown>;
  readonly body: Buffer;
}

export class FrameProtocolError extends Error {
  override readonly name = 'FrameProtocolError';
}

const EMPTY = Buffer.alloc(0);

/** `header` is an object, or its JSON text already (for headers built on the hot path). */
export function encodeFrame(kind: number, id: number, header: object | string, body: Buffer = EMPTY): Buffer {
  const json = typeof header === 'string' ? header : JSON.stringify(header);
  const headerLength = Buffer.byteLength(json);
  const total = PREFIX_BYTES + headerLength + body.length;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total - 4, 0);
  out.writeUInt8(kind, 4);
  out.writeUInt32BE(id, 5);
  out.writeUInt32BE(headerLength, 9);
  out.write(json, PREFIX_BYTES, 'utf8');
  if (body.length) body.copy(out, PREFIX_BYTES + headerLength);
  return out;
}

/** Turns a byte stream into frames, however it was split. */
export class FrameDecoder {
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;

  push(chunk: Buffer): Frame[] {
    this.#buffered.push(chunk);
    this.#bufferedBytes += chunk.length;
    const frames: Frame[] = [];
    while (this.#bufferedBytes >= 4) {
      if (this.#buffered[0]!.length < 4) this.#buffered = [Buffer.concat(this.#buffered, this.#bufferedBytes)];
      const length = this.#buffered[0]!.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES || length < PREFIX_BYTES - 4) throw new FrameProtocolError(`bad frame length ${length}`);
      if (this.#bufferedBytes < 4 + length) break;
      const buf = this.#buffered.length === 1 ? this.#buffered[0]! : Buffer.concat(this.#buffered, this.#bufferedBytes);
      const headerLength = buf.readUInt32BE(9);
      if (PREFIX_BYTES + headerLength > 4 + length) throw new FrameProtocolError('header longer than frame');
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength)) as Record<string, unknown>;
      } catch (e: unknown) {
        throw new FrameProtocolError('frame header is not JSON', { cause: e });
      }
      frames.push({ kind: buf.readUInt8(4), id: buf.readUInt32BE(5), header, body: buf.subarray(PREFIX_BYTES + headerLength, 4 + length) });
      const rest = buf.subarray(4 + length);
      this.#buffered = rest.length ? [rest] : [];
      this.#bufferedBytes = rest.length;
    }
    return frames;
  }
}
