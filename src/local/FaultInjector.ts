import type { IncomingMessage } from 'node:http';
import type { LocalKinesisFaults } from './LocalKinesisFaults.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import { seededRandom } from './seededRandom.js';

/**
 * Decides, from one seeded random sequence, which requests meet an injected fault (connection
 * reset, black hole, latency, server error, an answer lost after the write, a failed PutRecords
 * entry), and counts each fault injected. The draws happen in request order, so a seed replays.
 */
export class FaultInjector {
  private readonly random: () => number;
  /** Ends each injected latency under way, early (the server is closing). */
  private readonly delays = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly faults: Required<LocalKinesisFaults>,
    private readonly stats: MutableLocalKinesisStats,
  ) {
    this.random = seededRandom(faults.seed);
  }

  /** Whether PutRecords entries may fail on their own. */
  get failsEntries(): boolean {
    return this.faults.internalFailureRate > 0;
  }

  /**
   * Meets a request before it is looked at: resets its connection or leaves it unanswered (true:
   * the request is done with), else delays it by the injected latency (false). A request still
   * delayed when the server closes is done with at once.
   */
  async intercept(req: IncomingMessage): Promise<boolean> {
    const { faults, stats } = this;
    if (this.draw(faults.connectionResetRate)) {
      stats.injectedConnectionResets += 1;
      req.socket.destroy();
      return true;
    }
    if (this.draw(faults.blackHoleRate)) {
      // Read, never answered: the connection stays open and silent until the client leaves.
      stats.injectedBlackHoles += 1;
      return true;
    }
    if (faults.latencyMs > 0) await this.delay(faults.latencyMs);
    return this.closed;
  }

  /** Ends the injected latencies under way: their requests are done with. */
  close(): void {
    this.closed = true;
    for (const end of this.delays) end();
  }

  private delay(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.delays.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.delays.add(end);
    });
  }

  /** Whether the answer of the request about to be carried out is to be lost (see dropAnswer). */
  losesAnswer(): boolean {
    return this.draw(this.faults.resetAfterWriteRate);
  }

  /** The request was carried out; its answer never arrives. */
  dropAnswer(req: IncomingMessage): void {
    this.stats.injectedResetsAfterWrite += 1;
    req.socket.destroy();
  }

  /** Whether the request is answered with InternalFailure (HTTP 500) in place of being carried out. */
  failsRequest(): boolean {
    if (!this.draw(this.faults.serverErrorRate)) return false;
    this.stats.injectedServerErrors += 1;
    return true;
  }

  /** Whether one PutRecords entry fails with InternalFailure. */
  failsEntry(): boolean {
    if (!this.draw(this.faults.internalFailureRate)) return false;
    this.stats.injectedInternalFailures += 1;
    return true;
  }

  /** Whether the SubscribeToShard event about to be sent is replaced by a dropped connection or silence. */
  subscriptionFault(): 'drop' | 'silence' | undefined {
    if (this.draw(this.faults.subscriptionDropRate)) return 'drop';
    if (this.draw(this.faults.silentSubscriptionRate)) return 'silence';
    return undefined;
  }

  /** True with probability `rate`; no draw at all when the rate is 0. */
  private draw(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
}
