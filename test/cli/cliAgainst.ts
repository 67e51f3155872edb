// The command line run against a test Kinesis: its endpoint as `--endpoint`, its credentials and
// region as the environment variables a user would set.
import type { TestKinesis } from '../support/kinesis.js';
import { runCli, type CliOptions, type CliResult } from './runCli.js';

export type CliRunner = (args: readonly string[], options?: CliOptions) => Promise<CliResult>;

/** A runner of the command line against `kinesis` (read when called: a handle of useTestKinesis works). */
export function cliAgainst(kinesis: TestKinesis): CliRunner {
  return (args, options = {}) =>
    runCli([...args, '--endpoint', kinesis.endpoint], {
      ...options,
      env: {
        AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
        AWS_REGION: kinesis.region,
      },
    });
}
