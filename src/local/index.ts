export { startLocalKinesis, type LocalKinesis } from './startLocalKinesis.js';
export {
  DEFAULT_LIMITS,
  type LocalKinesisFaults,
  type LocalKinesisLimits,
  type LocalKinesisOptions,
  type LocalStreamSpec,
} from './LocalKinesisOptions.js';
export type { LocalKinesisStats } from './LocalKinesisStats.js';
export { seededRandom } from './seededRandom.js';
