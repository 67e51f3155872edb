// Runs consumer-group workers (worker.ts) as child processes and collects what they report.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';
import type { WorkerConfig, WorkerEvent, WorkerMessage } from './workerMessages.js';

const root = join(__dirname, '..', '..');
const workerScript = join(__dirname, 'worker.ts');

export interface ProcessedItem {
  readonly workerId: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly id: number;
  /** Date.now() in the parent when the report arrived. */
  readonly at: number;
  /** Date.now() in the worker when it sent the report (a report sent before a kill may arrive after it). */
  readonly sentAt: number;
  /** Arrival number among all messages of all workers (one worker's messages arrive in order). */
  readonly seq: number;
}

export interface ReceivedEvent {
  readonly workerId: string;
  readonly at: number;
  /** Date.now() in the worker when it sent the event. */
  readonly sentAt: number;
  /** Arrival number among all messages of all workers (one worker's messages arrive in order). */
  readonly seq: number;
  readonly event: WorkerEvent;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr: string;
}

export class WorkerGroup {
  readonly processed: ProcessedItem[] = [];
  readonly events: ReceivedEvent[] = [];
  /** Errors a worker's Observable ended with, and unexpected exits. */
  readonly failures: string[] = [];
  private readonly running = new Map<string, Running>();
  private arrivals = 0;

  constructor(private readonly base: Omit<WorkerConfig, 'workerId'>) {}

  /** What every worker of this group is started with (but its id). */
  get config(): Omit<WorkerConfig, 'workerId'> {
    return this.base;
  }

  get aliveWorkers(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Forks a worker and resolves once it subscribed. `workerId` names the process in reports;
   * `consumerWorkerId` (default: the same) is the workerId its consumer presents to the group.
   */
  async start(
    workerId: string,
    timeoutMs = 30_000,
    consumerWorkerId = workerId,
    overrides: Partial<Omit<WorkerConfig, 'workerId'>> = {},
  ): Promise<void> {
    if (this.running.has(workerId)) throw new Error(`worker ${workerId} is already running`);
    const config: WorkerConfig = { ...this.base, ...overrides, workerId: consumerWorkerId };
    const child = fork(compiledScript(workerScript), [JSON.stringify(config)], {
      cwd: root,
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const entry: Running = {
      child,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
      stderr: '',
    };
    this.running.set(workerId, entry);
    child.stderr?.on('data', (chunk: Buffer) => {
      entry.stderr = (entry.stderr + chunk.toString('utf8')).slice(-8000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker ${workerId} not ready within ${timeoutMs} ms: ${entry.stderr}`)),
        timeoutMs,
      );
      child.on('message', (message: WorkerMessage) => {
        const at = Date.now();
        const seq = (this.arrivals += 1);
        switch (message.kind) {
          case 'ready':
            clearTimeout(timer);
            resolve();
            break;
          case 'item':
            this.processed.push({
              workerId,
              shardId: message.shardId,
              sequenceNumber: message.sequenceNumber,
              id: message.id,
              at,
              sentAt: message.sentAt,
              seq,
            });
            break;
          case 'event':
            this.events.push({ workerId, at, sentAt: message.sentAt, seq, event: message.event });
            break;
          case 'error':
            this.failures.push(`${workerId} errored: ${message.message}`);
            break;
          case 'stopped':
            break;
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.running.delete(workerId);
        if (code !== 0 && signal !== 'SIGKILL')
          this.failures.push(`${workerId} exited with ${code ?? signal}: ${entry.stderr}`);
        reject(new Error(`worker ${workerId} exited before it was ready: ${entry.stderr}`));
      });
    });
    await ready;
  }

  /** Sends `signal` to a worker and waits for it to exit. */
  async stop(workerId: string, signal: 'SIGTERM' | 'SIGKILL', timeoutMs = 20_000): Promise<void> {
    const entry = this.running.get(workerId);
    if (entry === undefined) return;
    entry.child.kill(signal);
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), timeoutMs);
    await entry.exited;
    clearTimeout(timer);
  }

  /** Sends a signal without waiting (SIGSTOP freezes a worker, SIGCONT thaws it). */
  signal(workerId: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    const entry = this.running.get(workerId);
    if (entry === undefined) throw new Error(`worker ${workerId} is not running`);
    entry.child.kill(signal);
  }

  /** Kills every worker still running (SIGKILL) and waits for them to exit. */
  async killAll(): Promise<void> {
    await Promise.all(this.aliveWorkers.map((workerId) => this.stop(workerId, 'SIGKILL')));
  }

  /** Events of one type, in arrival order. */
  eventsOf(type: string, workerId?: string): ReceivedEvent[] {
    return this.events.filter(
      (received) =>
        received.event.type === type && (workerId === undefined || received.workerId === workerId),
    );
  }
}

/** Polls `check` every 100 ms until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
