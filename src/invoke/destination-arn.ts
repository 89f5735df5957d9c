/**
 * @module invoke/destination-arn
 * Parses the destinations of an async invoke config (`destinationConfig.onSuccess/onFailure.destination`,
 * reference §6.7, §8): an FC function of the caller's own account in this region,
 * `acs:fc:<region>:<accountId>:functions/<name>[/<qualifier>]`, or (an openfc extension) an
 * `http://` or `https://` URL that receives a POST of the destination record. MNS and EventBridge
 * destinations do not exist in openfc and are refused, as is any other account's function.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import { validateFunctionName } from '../functions/index.js';

/** Where the record of a finished async invocation is delivered. `arn` is the destination as configured. */
export type Destination =
  | { kind: 'function'; functionName: string; qualifier?: string; arn: string }
  | { kind: 'http'; url: string; arn: string };

/** The longest destination accepted, in characters. */
export const MAX_DESTINATION_CHARS = 2048;

const FUNCTION_RESOURCE = /^functions\/([^/]*)(?:\/([^/]*))?$/;
const QUALIFIER_PATTERN = /^(LATEST|[1-9][0-9]{0,9}|[A-Za-z_][A-Za-z0-9_-]{0,127})$/;
const EXPECTED = 'an FC function ARN acs:fc:<region>:<accountId>:functions/<name>[/<qualifier>] or an http(s):// URL';
/** Alibaba Cloud destination services FC offers that openfc does not have. */
const UNAVAILABLE_SERVICES: Readonly<Record<string, string>> = { mns: 'MNS queue and topic', eventbridge: 'EventBridge' };

/**
 * Checks a destination and says what it points at. `accountId` is the caller's account, `region`
 * this platform's; `field` names the destination in error messages. Throws `InvalidArgument`.
 */
export function parseDestination(arn: string, accountId: string, region: string, field = 'destination'): Destination {
  if (typeof arn !== 'string' || arn === '') throw invalidArgument(`${field} must be ${EXPECTED}`);
  if (arn.length > MAX_DESTINATION_CHARS) throw invalidArgument(`${field} is longer than ${MAX_DESTINATION_CHARS} characters`);
  if (/[\s\u0000-\u001f\u007f]/.test(arn)) throw invalidArgument(`${field} ${JSON.stringify(arn)} must not contain spaces or control characters`);
  if (/^https?:\/\//i.test(arn)) return parseHttp(arn, field);
  if (!arn.startsWith('acs:')) throw invalidArgument(`${field} '${arn}' must be ${EXPECTED}`);

  const parts = arn.split(':');
  if (parts.length < 5) throw invalidArgument(`${field} '${arn}' is not an ARN of the form acs:<service>:<region>:<accountId>:<resource>; it must be ${EXPECTED}`);
  const [, service = '', arnRegion = '', arnAccount = ''] = parts;
  const resource = parts.slice(4).join(':');
  const unavailable = UNAVAILABLE_SERVICES[service];
  if (unavailable) throw invalidArgument(`${field} '${arn}': ${unavailable} destinations are not available in openfc; use ${EXPECTED}`);
  if (service !== 'fc') throw invalidArgument(`${field} '${arn}': '${service}' destinations are not supported; use ${EXPECTED}`);
  if (arnRegion !== region) throw invalidArgument(`${field} '${arn}' names region '${arnRegion}', but this openfc serves region '${region}'`);
  if (arnAccount !== accountId) {
    throw invalidArgument(`${field} '${arn}': cross-account destinations are not allowed; the function must belong to your own account (${accountId})`);
  }
  const m = FUNCTION_RESOURCE.exec(resource);
  if (!m) throw invalidArgument(`${field} '${arn}' is not a function ARN; expected acs:fc:${region}:${accountId}:functions/<name>[/<qualifier>]`);
  const functionName = validateFunctionName(m[1], `${field} function name`);
  const qualifier = m[2];
  if (qualifier !== undefined && !QUALIFIER_PATTERN.test(qualifier)) {
    throw invalidArgument(`${field} '${arn}': qualifier '${qualifier}' must be LATEST, a version number or an alias name`);
  }
  return { kind: 'function', functionName, ...(qualifier !== undefined && { qualifier }), arn };
}

function parseHttp(arn: string, field: string): Destination {
  let url: URL;
  try {
    url = new URL(arn);
  } catch (e: unknown) {
    throw new PlatformError('InvalidArgument', `${field} '${arn}' is not a valid URL`, { cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidArgument(`${field} '${arn}' must be an http:// or https:// URL`);
  if (!url.hostname) throw invalidArgument(`${field} '${arn}' has no host`);
  if (url.username || url.password) throw invalidArgument(`${field} '${arn}' must not carry a user name or password (configs are shown by GetAsyncInvokeConfig)`);
  return { kind: 'http', url: url.href, arn };
}
