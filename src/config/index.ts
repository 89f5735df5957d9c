/** @module config — settings, defaults and limits. */
export * from './config.js';
export * from './limits.js';
