import { looksLikeCredential } from './credentialShapes.js';

/** A run of base64's alphabet long enough to hold a credential. */
const BASE64_RUN = /[A-Za-z0-9/+=]{20,}/g;
/** Most `/` and `=` in one run tried as a credential's edges (a path of many short parts). */
const MAX_EDGES = 32;

/**
 * An ARN (or a value given as one) with every part that reads as an AWS credential replaced,
 * wherever it stands: a field, the resource, a query string glued on (`stream/orders?token=…`).
 * A secret access key may hold `/` and a session token end in `=`, so a part runs between any two
 * of the `/` and `=` of a run of base64's alphabet, not only between the ARN's separators.
 */
export function redactArnCredentials(arn: string, replacement: string): string {
  if (arn.length > 4096) return arn.slice(0, 4) === 'arn:' ? replacement : arn;
  return arn.replace(BASE64_RUN, (run) => redactRun(run, replacement));
}

function redactRun(run: string, replacement: string): string {
  const edges: number[] = [];
  for (let index = 0; index < run.length && edges.length < MAX_EDGES; index++) {
    if (run[index] === '/' || run[index] === '=') edges.push(index);
  }
  const starts = [0, ...edges.map((edge) => edge + 1)];
  const ends = [run.length, ...edges].sort((a, b) => b - a);
  let shown = '';
  let from = 0;
  for (const start of starts) {
    if (start < from) continue;
    // The longest credential-shaped part from here: a token with its `=` padding, say.
    const end = ends.find((candidate) => {
      if (candidate - start < 20) return false;
      const part = run.slice(start, candidate);
      return looksLikeCredential(part) && !spansArnKeyword(part);
    });
    if (end === undefined) continue;
    shown += `${run.slice(from, start)}${replacement}`;
    from = end;
  }
  return shown + run.slice(from);
}

/** The resource types of the ARNs the library names: a whole `/`-separated part of the ARN. */
const ARN_KEYWORDS = new Set(['stream', 'consumer']);

/**
 * Whether a run's part joins names across an ARN's resource type (`stream/Orders2024/consumer/
 * App1`): made of the ARN's own words, it is no credential, however it reads (a stream or
 * consumer name holds no `/`, so a credential within such an ARN lies between its keywords).
 */
function spansArnKeyword(part: string): boolean {
  return part.includes('/') && part.split('/').some((word) => ARN_KEYWORDS.has(word));
}

/** Every ARN in a text (a word that starts with `arn:`), its credential-shaped parts replaced. */
export function redactArnsIn(text: string, replacement: string): string {
  if (!text.includes('arn:')) return text;
  return text.replace(/(?<![\w:])arn:\S+/g, (arn) => redactArnCredentials(arn, replacement));
}
