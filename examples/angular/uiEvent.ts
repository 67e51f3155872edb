/** What the app records about its users' actions. */
export interface UiEvent {
  readonly type: 'click' | 'view' | 'search';
  readonly target: string;
  readonly sessionId: string;
  readonly at: number;
}
