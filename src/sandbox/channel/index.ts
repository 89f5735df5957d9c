/** @module sandbox/channel — the host side of the instance protocol. */
export * from './frame-codec.js';
export * from './instance-channel.js';
