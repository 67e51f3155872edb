import { Injectable, inject, type OnDestroy } from '@angular/core';
import { Subject, type Observable, share } from 'rxjs';
import { jsonProcessor, toKinesis, type DeliveryReport } from 'rxjs-kinesis/browser';
import { KINESIS_SETTINGS } from './kinesisSettings.js';
import type { UiEvent } from './uiEvent.js';

/**
 * Streams the app's UI events to Kinesis: components call track(); a Subject of events is piped
 * through toKinesis() (batched, rate limited, retried while offline, flushed when the page is
 * hidden). The service lives as long as the app: when the app is destroyed, the Subject
 * completes, so what is buffered is sent before the pipeline ends.
 */
@Injectable({ providedIn: 'root' })
export class ClickstreamService implements OnDestroy {
  private readonly settings = inject(KINESIS_SETTINGS);
  private readonly events = new Subject<UiEvent>();

  /** One report per event: delivered (shard, sequence number), failed, or dropped (queue full). */
  readonly reports$: Observable<DeliveryReport<UiEvent>> = this.events.pipe(
    toKinesis<UiEvent>({
      streamName: this.settings.streamName,
      region: this.settings.region,
      credentials: this.settings.credentials,
      ...(this.settings.endpoint === undefined ? {} : { endpoint: this.settings.endpoint }),
      processor: jsonProcessor<UiEvent>(),
      // Events of one session stay in order on one shard.
      partitionKey: (event) => event.sessionId,
      bufferTime: 1_000,
      // Telemetry: a failed or refused event is reported, and the stream goes on.
      onFailure: 'emit',
      overflow: 'drop-newest',
    }),
    share(),
  );

  constructor() {
    this.reports$.subscribe((report) => {
      if (report.status !== 'delivered')
        console.warn(`event ${report.index} ${report.status}:`, report.error.message);
    });
  }

  track(type: UiEvent['type'], target: string, sessionId: string): void {
    this.events.next({ type, target, sessionId, at: Date.now() });
  }

  ngOnDestroy(): void {
    // Completing the source flushes what is buffered; the subscription ends after the last report.
    this.events.complete();
  }
}
