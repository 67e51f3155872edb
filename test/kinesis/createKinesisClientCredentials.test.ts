import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { startTestKinesis, type TestKinesis } from '../support/kinesis.js';
import { waitFor } from '../support/streamRecords.js';

// Only bounds a hang: before the credentials provider had a deadline, these waited for ever.
jest.setTimeout(60_000);

/** A provider that takes the call and never answers (an identity endpoint that stays silent). */
const silentProvider = () => new Promise<never>(() => undefined);

describe('createKinesisClient with a credentials provider that never answers (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
  });
  afterAll(() => kinesis.close());

  it('fails a call of a built client after connectTimeout + requestTimeout, as a timed-out request', async () => {
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: silentProvider,
      connectTimeout: 100,
      requestTimeout: 200,
    });
    try {
      const error = await client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught);
      expect(classifyError(error)).toBeInstanceOf(RequestTimeoutError);
      expect((error as Error).message).toContain('credentials provider gave no credentials within 300 ms');
    } finally {
      client.destroy();
    }
  });

  it('ends a call still waiting for credentials when the client is destroyed', async () => {
    let asked = 0;
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: () => {
        asked += 1;
        return silentProvider();
      },
    });
    const outcome = client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught);
    // The SDK asks for credentials once the call has gone through its first middleware steps (a
    // fixed pause could end first on a loaded machine: the call was then not waiting yet).
    await waitFor(() => asked > 0, { timeoutMs: 30_000, message: () => 'no call for credentials' });
    client.destroy();
    await expect(outcome).resolves.toMatchObject({ name: 'AbortError' });
  });

  it('ends at once a call that had not asked for credentials yet when the client was destroyed', async () => {
    let asked = 0;
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: () => {
        asked += 1;
        return silentProvider();
      },
    });
    const started = Date.now();
    const outcome = client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught);
    // Destroyed in the same tick: the SDK has not asked for credentials yet.
    client.destroy();
    expect(asked).toBe(0);
    await expect(outcome).resolves.toMatchObject({ name: 'AbortError' });
    // Not after the credentials deadline (connectTimeout + requestTimeout, 35 s by default).
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
