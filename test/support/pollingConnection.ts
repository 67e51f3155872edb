import type { TestKinesis } from './kinesis.js';

/** fromKinesis() options to reach the test Kinesis and poll it often (tests wait less). */
export function pollingConnection(kinesis: TestKinesis) {
  return {
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    shardFetchRate: 5,
    sleepTimeNoRecords: 20,
  };
}
