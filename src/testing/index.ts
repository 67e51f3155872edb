export { describeCheckpointerConformance } from './checkpointerConformance.js';
export type { CheckpointerFixture } from './CheckpointerFixture.js';
export type {
  ConformanceAsyncMatchers,
  ConformanceExpect,
  ConformanceExpectation,
  ConformanceMatchers,
  ConformanceNegatedMatchers,
  ConformanceTestApi,
} from './ConformanceTestApi.js';
