import type { IncomingMessage } from 'node:http';
import type { AwsErrorAnswer } from './awsErrors.js';

const HEADER_PARTS = ['Credential', 'Signature', 'SignedHeaders'];
const QUERY_PARTS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
];

/**
 * The refusal AWS gives a request that is not signed (no Authorization header or presigned
 * query) or whose signature lacks a part; undefined if it looks signed. Signatures themselves
 * are not checked (any credentials do locally), as kinesalite does not check them either.
 */
export function requestAuthRefusal(req: IncomingMessage): AwsErrorAnswer | undefined {
  const header = req.headers.authorization;
  const query = new URL(req.url ?? '/', 'http://local').searchParams;
  const presigned = query.has('X-Amz-Algorithm');
  if (header !== undefined && presigned) {
    return refusal(
      'InvalidSignatureException',
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  if (header === undefined && !presigned) {
    return refusal('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  let message = '';
  if (header !== undefined) {
    const given = new Set(
      header
        .split(/,| /)
        .slice(1)
        .filter((part) => part.includes('=') && part.split('=')[1] !== '')
        .map((part) => part.trim().split('=')[0]),
    );
    for (const part of HEADER_PARTS) {
      if (!given.has(part)) message += `Authorization header requires '${part}' parameter. `;
    }
    if (req.headers['x-amz-date'] === undefined && req.headers.date === undefined) {
      message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (message !== '') message += `Authorization=${redactedAuthorization(header)}`;
  } else {
    for (const part of QUERY_PARTS) {
      if (!query.get(part)) message += `AWS query-string parameters must include '${part}'. `;
    }
    if (message !== '') message += 'Re-examine the query-string parameters.';
  }
  return message === '' ? undefined : refusal('IncompleteSignatureException', message);
}

/**
 * The header as AWS echoes it, with the credential's access key and the signature left out:
 * answers end up in logs and error messages.
 */
function redactedAuthorization(header: string): string {
  return header
    .replace(/(Credential=)[^/,\s]*/g, '$1(redacted)')
    .replace(/(Signature=)[^,\s]*/g, '$1(redacted)');
}

function refusal(type: string, message: string): AwsErrorAnswer {
  return { status: 400, type, message };
}
