import { MemoryCheckpointer } from '../../src/index.js';
import { SpyCheckpointer } from './spyCheckpointer.js';

/**
 * A memory checkpointer (30 s leases) whose lease releases wait until `release()` is called:
 * a run stopping meanwhile stays "stopping" for as long as a test needs. Releases after
 * `release()` go through at once.
 */
export function heldReleases(): { readonly checkpointer: SpyCheckpointer; readonly release: () => void } {
  let openReleases: () => void = () => undefined;
  const releasesHeld = new Promise<void>((resolve) => (openReleases = resolve));
  let holdReleases = true;
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer({ leaseDurationMs: 30_000 }), {
    beforeRelease: () => (holdReleases ? releasesHeld : Promise.resolve()),
  });
  const release = (): void => {
    holdReleases = false;
    openReleases();
  };
  return { checkpointer, release };
}
