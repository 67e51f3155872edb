/** What the test page (fixtures/clickstream.ts) sends to Kinesis for each click or custom event. */
export interface PageEvent {
  readonly kind: 'click' | 'track';
  readonly n: number;
  readonly user: string;
}
