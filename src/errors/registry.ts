/**
 * @module errors/registry
 * The one registry of error codes openfc answers with. Each code has its HTTP status, whether the
 * caller may retry, and a description that `docs/errors.md` repeats (a test keeps them in step).
 * Codes and statuses follow FC 3.0 (reference §4.3).
 */

export interface ErrorCodeInfo {
  readonly status: number;
  /** A retry of the same request may succeed (throttling, transient system faults). */
  readonly isRetryable: boolean;
  readonly description: string;
}

export const ERROR_CODES = {
  InvalidArgument: { status: 400, isRetryable: false, description: 'A parameter or the request body is invalid.' },
  MissingRequiredHeader: { status: 400, isRetryable: false, description: 'A required HTTP header was not sent.' },
  PathNotSupported: { status: 400, isRetryable: false, description: 'No operation exists for this method and path.' },
  EntityTooLarge: { status: 400, isRetryable: false, description: 'The body, payload or code package is larger than its limit.' },
  MethodNotAllowed: { status: 405, isRetryable: false, description: 'The HTTP trigger does not accept this request method (its methods setting).' },
  RequestTimeout: { status: 408, isRetryable: true, description: 'The request headers (or the whole request) were not received within the time limit; the connection is closed.' },
  RequestUrlTooLong: { status: 414, isRetryable: false, description: 'The request URL is longer than its limit.' },
  RequestHeaderTooLarge: { status: 431, isRetryable: false, description: 'The request line and headers together are larger than their limit; the connection is closed.' },
  CredentialsInCode: { status: 400, isRetryable: false, description: 'The code package or environment variables contain credentials (AccessKey, STS token, private key), and credentialScan is refuse.' },
  VersionNotChanged: { status: 400, isRetryable: false, description: 'PublishFunctionVersion found nothing changed in LATEST (code and configuration) since the newest version.' },
  InvalidAccessKeyID: { status: 403, isRetryable: false, description: 'The AccessKey id is unknown or disabled.' },
  SignatureNotMatch: { status: 403, isRetryable: false, description: 'The request signature does not match the one openfc computed.' },
  InvalidTimeStamp: { status: 403, isRetryable: false, description: 'x-acs-date is missing, malformed, or more than 15 minutes from the server time.' },
  SignatureNonceUsed: { status: 403, isRetryable: false, description: 'x-acs-signature-nonce was already used within the replay window.' },
  InvalidSecurityToken: { status: 403, isRetryable: false, description: 'The STS security token is missing, does not match the temporary AccessKey, or has expired.' },
  AccessDenied: { status: 403, isRetryable: false, description: 'The principal may not perform this operation, or the download URL is invalid or expired.' },
  FunctionNotFound: { status: 404, isRetryable: false, description: 'The function does not exist in this account.' },
  VersionNotFound: { status: 404, isRetryable: false, description: 'The function version named by the qualifier does not exist.' },
  AliasNotFound: { status: 404, isRetryable: false, description: 'The alias named by the qualifier does not exist.' },
  ProvisionConfigNotFound: { status: 404, isRetryable: false, description: 'The function has no provision config.' },
  ScalingConfigNotFound: { status: 404, isRetryable: false, description: 'The function has no scaling config.' },
  VpcNotFound: { status: 404, isRetryable: false, description: 'The VPC does not exist in this account.' },
  LayerVersionNotFound: { status: 404, isRetryable: false, description: 'The layer version does not exist, or it belongs to another account and is not public.' },
  VpcBindingNotFound: { status: 404, isRetryable: false, description: 'The function has no binding to this VPC.' },
  InstanceNotFound: { status: 404, isRetryable: false, description: 'No running instance of the function has this id.' },
  AsyncConfigNotFound: { status: 404, isRetryable: false, description: 'The function (and qualifier) has no async invoke config.' },
  TriggerNotFound: { status: 404, isRetryable: false, description: 'The function has no trigger of this name.' },
  AsyncTaskNotFound: { status: 404, isRetryable: false, description: 'The function has no async task with this id.' },
  ServiceNotFound: { status: 404, isRetryable: false, description: 'The FC 2.0 service does not exist in this account.' },
  EntityNotExist: { status: 404, isRetryable: false, description: 'The RAM user, role, policy or access key does not exist in this account.' },
  TriggerAlreadyExists: { status: 409, isRetryable: false, description: 'The function already has a trigger of this name.' },
  FunctionAlreadyExists: { status: 409, isRetryable: false, description: 'A function with this name already exists in this account.' },
  AliasAlreadyExists: { status: 409, isRetryable: false, description: 'An alias with this name already exists for the function.' },
  ProvisionConfigExist: { status: 409, isRetryable: false, description: 'The function has a provision config, so it cannot take a scaling config.' },
  ResidentScalingConfigExists: { status: 409, isRetryable: false, description: 'The function has a scaling config, so it cannot take a provision config.' },
  AsyncTaskFinished: { status: 409, isRetryable: false, description: 'The async task has already ended (Succeeded, Failed, Stopped, Expired or Invalid) and cannot be stopped.' },
  ServiceAlreadyExists: { status: 409, isRetryable: false, description: 'An FC 2.0 service with this name already exists in this account.' },
  ServiceNotEmpty: { status: 409, isRetryable: false, description: 'The FC 2.0 service still has functions, so it cannot be deleted.' },
  EntityAlreadyExists: { status: 409, isRetryable: false, description: 'A RAM user, role or policy with this name already exists in this account.' },
  DeleteConflict: { status: 409, isRetryable: false, description: 'The RAM entity is still in use (a policy attached to a user or role) and cannot be deleted.' },
  ResourceInUse: { status: 409, isRetryable: false, description: 'The resource is still used (a VPC by functions or by VPC bindings) and cannot be deleted.' },
  VersionInUse: { status: 409, isRetryable: false, description: 'The function version is still used by an alias (as its version or in additionalVersionWeight) and cannot be deleted.' },
  ConcurrentUpdateError: { status: 409, isRetryable: true, description: 'Another update of the same resource happened at the same time.' },
  ResourceThrottled: { status: 429, isRetryable: true, description: 'No instance slot could be had within the wait bound; retry later.' },
  TooManyRequests: { status: 429, isRetryable: true, description: 'Request rate over the per-IP or per-account limit; retry after the Retry-After seconds.' },
  InternalServerError: { status: 500, isRetryable: true, description: 'An unexpected error inside openfc. Details are in the server log, never in the answer.' },
  ResourceExhausted: { status: 503, isRetryable: true, description: 'The node has no capacity left to start an instance.' },
  ServiceUnavailable: { status: 503, isRetryable: true, description: 'openfc is shutting down or not ready.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
