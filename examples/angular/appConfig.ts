import type { ApplicationConfig } from '@angular/core';
import { KINESIS_SETTINGS, type KinesisSettings } from './kinesisSettings.js';

/**
 * The application config: the Kinesis settings for ClickstreamService. In a real app the
 * credentials come from a Cognito identity pool (see the README, "Browser (Angular)"):
 *
 *   import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
 *   credentials: fromCognitoIdentityPool({ clientConfig: { region }, identityPoolId: 'eu-west-1:…' }),
 */
export function appConfig(settings: KinesisSettings): ApplicationConfig {
  return { providers: [{ provide: KINESIS_SETTINGS, useValue: settings }] };
}
