/**
 * @module iam/authorize
 * Whether a principal may perform an action. Until RAM users and policies exist, only an
 * account's root key is a principal, and it may do everything within its own account (resources
 * of other accounts are never even found). Operations that hand out more than the API itself
 * (InstanceExec: a shell inside an instance) ask here explicitly, so policies plug in at one place.
 */
import { PlatformError } from '../errors/index.js';
import type { Principal } from './types.js';

export function authorize(principal: Principal, action: string, resource: string): void {
  if (principal.kind === 'root' && principal.accountId !== '') return;
  throw new PlatformError('AccessDenied', `${principal.accessKeyId || 'an anonymous caller'} is not allowed to ${action} on ${resource}`);
}
