import type { Logger } from '../../logging/Logger.js';
import { writeLog } from '../../logging/writeLog.js';

/** At most one 'Redis connection failing' warning per this many ms. */
const WARN_INTERVAL_MS = 60_000;

/**
 * The 'Redis connection failing' warnings and 'connected to Redis' lines of a connection opened
 * from a URL. An outage is warned of at most once per WARN_INTERVAL_MS while Redis has not served
 * a call since the last warning: a server that fails every connection soon after it is made (a
 * replica answering READONLY, dropped each time) would warn at each retry. A call served in
 * between (see served) ends the outage, and the next one is warned of at once. The next warning
 * counts the connection failures left unsaid (`outagesNotWarned`); the connection after a
 * warning is logged (and the first one), the ones after failures left unsaid are not.
 */
export class OutageWarnings {
  /** When 'Redis connection failing' was last logged, and the outages since left unsaid. */
  private warnedAt: number | undefined;
  private outagesNotWarned = 0;
  /** A call was served since the last warning, and no READONLY came after it (see served). */
  private servedSinceWarning = false;
  /** A heartbeat was served since the last warning: the server was a primary then. */
  private wroteSinceWarning = false;
  /** Whether the next 'ready' is logged ('connected to Redis'). */
  private logNextReady = true;

  constructor(
    private readonly address: string,
    private readonly logger: Logger | undefined,
    /** A clock that never goes back (a step back would silence the next warnings). */
    private readonly now: () => number,
  ) {}

  /** The first error after being connected (or the first ever): an outage starts. */
  failing(error: Error): void {
    const at = this.now();
    const cameBack = this.servedSinceWarning || this.wroteSinceWarning;
    if (this.warnedAt !== undefined && !cameBack && at - this.warnedAt < WARN_INTERVAL_MS) {
      this.outagesNotWarned += 1;
      return;
    }
    writeLog(this.logger, 'warn', 'Redis connection failing', {
      address: this.address,
      error,
      ...(this.outagesNotWarned > 0 ? { outagesNotWarned: this.outagesNotWarned } : {}),
    });
    this.warnedAt = at;
    this.servedSinceWarning = false;
    this.wroteSinceWarning = false;
    this.outagesNotWarned = 0;
    this.logNextReady = true;
  }

  /** The connection is ready: logged the first time, and the first time after each warning. */
  connected(): void {
    if (this.logNextReady) writeLog(this.logger, 'info', 'connected to Redis', { address: this.address });
    this.logNextReady = false;
  }

  /**
   * A call was answered (not with READONLY): Redis is back, and the outage warned of is over; the
   * next one is a new outage, warned of at once. Unless the server then answers READONLY (see
   * answeredReadOnly): a replica answers reads too, and a loop of reconnections to one is one
   * outage. A call that surely wrote (`wrote`: a heartbeat) shows a primary: a READONLY after it
   * is a new outage (a failover).
   */
  served(wrote: boolean): void {
    this.servedSinceWarning = true;
    if (wrote) this.wroteSinceWarning = true;
  }

  /** The server answered READONLY: the calls it served since the last warning were reads. */
  answeredReadOnly(): void {
    this.servedSinceWarning = false;
  }
}
