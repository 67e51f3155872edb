import { InjectionToken } from '@angular/core';
import type { KinesisCredentialsProvider } from 'rxjs-kinesis/browser';

/** Where the app's events go, provided once in the application config (see appConfig.ts). */
export interface KinesisSettings {
  readonly streamName: string;
  readonly region: string;
  /**
   * Temporary credentials for the browser, e.g. from a Cognito identity pool:
   * `fromCognitoIdentityPool({ clientConfig: { region }, identityPoolId })` from
   * `@aws-sdk/credential-providers`.
   */
  readonly credentials: KinesisCredentialsProvider;
  /** A local endpoint (`rxjs-kinesis local`) during development; AWS when absent. */
  readonly endpoint?: string;
}

export const KINESIS_SETTINGS = new InjectionToken<KinesisSettings>('KINESIS_SETTINGS');
