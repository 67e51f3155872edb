export { startLocalKinesis, type LocalKinesis } from './startLocalKinesis.js';
export {
  DEFAULT_LIMITS,
  type LocalKinesisFaults,
  type LocalKinesisLimits,
  type LocalKinesisOptions,
  type LocalStreamSpec,
} from './LocalKinesisOptions.js';
export type { LocalKinesisStats } from './LocalKinesisStats.js';
export type { LocalKinesisCors } from './cors.js';
export type { LocalFanOutOptions } from './efo/LocalFanOutOptions.js';
export type { SubscriptionFilter, SubscriptionInfo } from './efo/EnhancedFanOut.js';
export { seededRandom } from './seededRandom.js';
