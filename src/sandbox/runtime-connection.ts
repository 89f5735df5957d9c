/**
 * @module sandbox/runtime-connection
 * What every driver does after it starts a runtime: wait for it to connect and say HELLO, or fail
 * clearly when it exits first or takes too long; and track live sandboxes so close() can end them.
 */
import { PlatformError } from '../errors/index.js';
import type { InstanceChannel } from './channel/index.js';
import type { SandboxExit } from './types.js';

export async function awaitRuntime(input: {
  connection: Promise<InstanceChannel>;
  exited: Promise<SandboxExit>;
  timeoutMs: number;
  describeExit: (exit: SandboxExit) => string;
}): Promise<InstanceChannel> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const channel = await Promise.race([
      input.connection,
      input.exited.then((e) => Promise.reject(new PlatformError('InternalServerError', input.describeExit(e)))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PlatformError('InternalServerError', `the runtime did not connect within ${input.timeoutMs} ms`)), input.timeoutMs);
      }),
    ]);
    await channel.hello;
    return channel;
  } finally {
    clearTimeout(timer);
  }
}

/** Live sandboxes of one driver, each with an idempotent destroy. */
export class LiveSandboxes {
  readonly #live = new Set<() => Promise<void>>();

  /** Wraps `teardown` so it runs once, and tracks it until it ran. */
  track(teardown: () => Promise<void>): () => Promise<void> {
    let done: Promise<void> | undefined;
    const destroy = () =>
      (done ??= (async () => {
        try {
          await teardown();
        } finally {
          this.#live.delete(destroy);
        }
      })());
    this.#live.add(destroy);
    return destroy;
  }

  async destroyAll(): Promise<void> {
    await Promise.all([...this.#live].map((d) => d()));
  }
}
