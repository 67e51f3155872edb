// The error names (`__type`, `x-amzn-errortype`, the SDK's `name`) classifyError sorts by kind.

/** Error names AWS services give a call refused for its rate. */
export const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'KMSThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'BandwidthLimitExceeded',
]);

/** Error names of a failure on the service's side, to be retried. */
export const SERVICE_NAMES = new Set([
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Error names of a call refused for its credentials, signature or permissions. */
export const ACCESS_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'NotAuthorized',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'IncompleteSignature',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'OptInRequired',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'RequestInTheFuture',
  'CredentialsProviderError',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/** Error names of a call refused as malformed or invalid. */
export const VALIDATION_NAMES = new Set([
  'InvalidArgumentException',
  'ValidationException',
  'ValidationError',
  'SerializationException',
  'InvalidAction',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingParameter',
  'ExpiredNextTokenException',
  'DryRunOperationException',
]);
