import type { CheckpointerFixture } from './CheckpointerFixture.js';
import { conformanceCheckpoints } from './conformanceCheckpoints.js';
import { conformanceInstances } from './conformanceInstances.js';
import { conformanceClose } from './conformanceClose.js';
import { conformanceCoordination } from './conformanceCoordination.js';
import { conformanceForgetShards } from './conformanceForgetShards.js';
import { conformanceHandoffs } from './conformanceHandoffs.js';
import { conformanceHeartbeatSignal } from './conformanceHeartbeatSignal.js';
import { conformanceLeases } from './conformanceLeases.js';
import { conformanceListLeases } from './conformanceListLeases.js';
import { conformanceStoreErrors } from './conformanceStoreErrors.js';
import { ConformanceSuite } from './ConformanceSuite.js';
import { resolveTestApi, type ConformanceTestApi } from './ConformanceTestApi.js';

/**
 * The behaviour every Checkpointer must show, as a test suite for Jest or Vitest. Call it at the
 * top level of a test file; `setup` runs before each test and gives it a fresh fixture.
 *
 * Works with a fake clock and with real time: the setup picks `leaseDurationMs` (with real time
 * keep it short but well above one round trip, e.g. 500-1000 ms), and every step that needs a
 * lease to still be live runs within `leaseDurationMs / 2` of its acquisition or renewal.
 *
 * The checkpointer must fail with this package's error classes (`LeaseLostError`,
 * `CheckpointerClosedError`, `InvalidOptionError`; for a store failure an `RxjsKinesisError` with
 * `retriable` and `cause`), and leave no timer or handle open once closed. `testApi` gives the
 * runner's functions; without it the suite uses the globals (Jest, or Vitest with
 * `globals: true`).
 */
export function describeCheckpointerConformance(
  name: string,
  setup: () => Promise<CheckpointerFixture>,
  testApi?: ConformanceTestApi,
): void {
  const api = resolveTestApi(testApi);
  const { describe, it, beforeEach, afterEach, expect } = api;
  const s = new ConformanceSuite(api, setup);
  describe(`${name} (Checkpointer conformance)`, () => {
    beforeEach(async () => {
      s.startTest(await setup());
    });

    afterEach(async () => {
      await s.endTest();
    });

    it('has a name and a positive lease duration', async () => {
      expect(typeof s.cp.name).toBe('string');
      expect(s.cp.name.length).toBeGreaterThan(0);
      expect(Number.isFinite(s.cp.leaseDurationMs) && s.cp.leaseDurationMs > 0).toBe(true);
    });

    conformanceLeases(s);
    conformanceCheckpoints(s);
    conformanceListLeases(s);
    conformanceForgetShards(s);
    conformanceClose(s);
    conformanceInstances(s);
    conformanceHandoffs(s);
    conformanceCoordination(s);
    conformanceHeartbeatSignal(s);
    conformanceStoreErrors(s);
  });
}
