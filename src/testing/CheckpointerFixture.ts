import type { Checkpointer } from '../checkpointers/Checkpointer.js';

/** What the checkpointer conformance suite's setup gives each test. */
export interface CheckpointerFixture {
  readonly checkpointer: Checkpointer;
  /** Lets `ms` milliseconds pass: moves a fake clock, or sleeps under real time. */
  advanceTime(ms: number): Promise<void>;
  /** A stream name no other test uses. The suite also uses `${streamName}-other`. */
  readonly streamName: string;
  /** Frees what setup created; must tolerate a checkpointer that is already closed. */
  cleanup(): Promise<void>;
}
