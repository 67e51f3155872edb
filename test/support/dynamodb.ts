// DynamoDB for tests: DYNAMODB_ENDPOINT if set, else dynalite started in-process on a free loopback port.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface TestDynamoDB {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** A client with HTTP/1.1 and short deadlines, for fixtures that read or write items directly. */
  createClient(): DynamoDBClient;
  /** Stops the embedded server; a no-op against an external DYNAMODB_ENDPOINT. */
  close(): Promise<void>;
}

/** A table name no other test uses. */
export function uniqueTableName(prefix = 'leases'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

type Dynalite = (options: Record<string, unknown>) => Server;

export interface TestDynamoDBOptions {
  /** How long a table of the embedded server stays CREATING after a CreateTable (default 0). */
  readonly createTableMs?: number;
  /** How long a table of the embedded server stays DELETING after a DeleteTable (default 0). */
  readonly deleteTableMs?: number;
  /** How long a table of the embedded server stays UPDATING after an UpdateTable (default 0). */
  readonly updateTableMs?: number;
}

export async function startTestDynamoDB(options: TestDynamoDBOptions = {}): Promise<TestDynamoDB> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  const external = process.env.DYNAMODB_ENDPOINT;
  let server: Server | undefined;
  let endpoint: string;
  if (external !== undefined && external !== '') {
    endpoint = external;
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dynalite = require('dynalite') as Dynalite;
    const started = dynalite({
      createTableMs: options.createTableMs ?? 0,
      deleteTableMs: options.deleteTableMs ?? 0,
      updateTableMs: options.updateTableMs ?? 0,
    });
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.listen(0, '127.0.0.1', () => resolve());
    });
    server = started;
    endpoint = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
  }
  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    region,
    credentials,
    createClient: () => {
      const client = new DynamoDBClient({
        endpoint,
        region,
        credentials,
        maxAttempts: 3,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 10_000 }),
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      if (server === undefined) return;
      const running = server;
      server = undefined;
      running.closeAllConnections?.();
      await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
}
