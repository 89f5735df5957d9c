/** @module api/fc2 — the FC 2.0 API (`/2016-08-15`): routes and its error format. */
export { fc2Routes, FC2_INVOKE_ACTION } from './fc2-routes.js';
export { FC2_PATH_PREFIX, isFc2Path, renderFc2Error, type Fc2ErrorReply } from './fc2-errors.js';
