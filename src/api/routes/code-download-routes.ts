/**
 * @module api/routes/code-download-routes
 * Serves code packages behind the signed URLs GetFunctionCode hands out. No AccessKey
 * signature: the URL's own token is the credential, scoped to one package and expiring.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { PlatformError } from '../../errors/index.js';
import type { CodeUrlSigner } from '../../functions/index.js';
import type { BlobStore } from '../../store/types.js';
import type { Clock } from '../../time/clock.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

export function codeDownloadRoutes(deps: { codeUrls: CodeUrlSigner; blobs: BlobStore; clock: Clock }): Route<RouteHandler>[] {
  return [
    {
      method: 'GET', pattern: '/openfc/code/:token/code.zip', action: 'DownloadFunctionCode', bodyLimitBytes: MAX_CONTROL_BODY_BYTES, isPublic: true,
      handler: async (ctx) => {
        const claims = deps.codeUrls.verify(ctx.params.token!, deps.clock.now());
        if (!(await deps.blobs.has(claims.blobKey))) throw new PlatformError('AccessDenied', 'the code package behind this URL no longer exists');
        const size = await deps.blobs.size(claims.blobKey);
        return {
          status: 200,
          body: deps.blobs.createReadStream(claims.blobKey),
          headers: { 'content-type': 'application/zip', 'content-length': String(size), 'cache-control': 'private, no-store' },
        };
      },
    },
  ];
}
