// What a Nest user composes around handlers, on one app and one shard: a guard that refuses, a
// pipe that throws or transforms, interceptors that delay, map and catch, exception filters that
// swallow (or return nothing), a request-scoped provider reading the KinesisContext, an Observable
// that emits and never completes. Each event is handled or dead-lettered exactly once, and no
// position is written before every event up to it was done with.
import 'reflect-metadata';
import {
  Catch,
  Controller,
  Inject,
  Injectable,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import {
  BaseRpcExceptionFilter,
  CONTEXT,
  Ctx,
  EventPattern,
  Payload,
  RpcException,
  type RequestContext,
} from '@nestjs/microservices';
import { catchError, delay, interval, map, Observable, of, tap } from 'rxjs';
import { MemoryCheckpointer, type ConsumerEvent } from 'rxjs-kinesis';
import { KinesisContext, KinesisTransportStrategy, type KinesisDeadLetter } from 'rxjs-kinesis/nestjs';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

/** What happened, in order: `done <id>` (the handling's end), `dead <id>`, `written <seq>`. */
const timeline: string[] = [];
/** The event's id, as every handler and filter reads it. */
const idOf = (context: ExecutionContext | ArgumentsHost): string =>
  (context.switchToRpc().getData<{ id: string }>() ?? { id: '?' }).id;
const done = (id: string): void => void timeline.push(`done ${id}`);

@Injectable()
class AllowedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    // The RPC context of a guard is the KinesisContext.
    const kinesis = context.switchToRpc().getContext<KinesisContext>();
    return (
      kinesis instanceof KinesisContext && kinesis.getPattern() === 'guarded' && idOf(context) !== 'refused'
    );
  }
}

@Injectable()
class IdPipe implements PipeTransform<{ id: unknown }, { id: string }> {
  transform(value: { id: unknown }): { id: string } {
    if (typeof value.id !== 'string' || value.id !== value.id.toLowerCase())
      throw new RpcException('id must be lower case');
    return { id: value.id.toUpperCase() };
  }
}

@Injectable()
class DelayInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(delay(300), tap({ complete: () => done(idOf(context)) }));
  }
}

@Injectable()
class MapInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value) => `mapped ${String(value)}`),
      tap((value) => done(`${idOf(context)} ${value}`)),
    );
  }
}

@Injectable()
class RecoverInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError(() => {
        done(`${idOf(context)} recovered`);
        return of('recovered');
      }),
    );
  }
}

/** Lets errors marked ignorable pass as handled; the others go on as Nest's filter has them. */
@Catch()
class IgnorableFilter extends BaseRpcExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    if (exception instanceof Error && exception.message === 'ignorable') {
      done(`${idOf(host)} ignored`);
      return of(null);
    }
    return super.catch(exception, host);
  }
}

/** A filter written as for HTTP: notes the error, returns nothing. */
@Catch()
class ReturnsNothingFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    done(`${idOf(host)} filtered`);
  }
}

let neverUnsubscribed = false;

@Controller()
class ComposedController {
  @EventPattern('ctx')
  ctx(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
    const ok =
      context.getPattern() === 'ctx' &&
      context.getItem().sequenceNumber === context.getSequenceNumber() &&
      !context.getAbortSignal().aborted;
    done(`${data.id} ${ok ? 'ctx ok' : 'ctx wrong'}`);
  }

  @EventPattern('guarded')
  @UseGuards(AllowedGuard)
  guarded(@Payload() data: { id: string }): void {
    done(`${data.id} passed the guard`);
  }

  @EventPattern('validated')
  @UsePipes(IdPipe)
  validated(@Payload() data: { id: string }): void {
    done(`${data.id} validated`);
  }

  @EventPattern('delayed')
  @UseInterceptors(DelayInterceptor)
  delayed(): string {
    return 'late';
  }

  @EventPattern('mapped')
  @UseInterceptors(MapInterceptor)
  async mapped(): Promise<string> {
    return 'value';
  }

  @EventPattern('recovered')
  @UseInterceptors(RecoverInterceptor)
  async recovered(): Promise<void> {
    throw new Error('recovered by the interceptor');
  }

  @EventPattern('filtered')
  @UseFilters(IgnorableFilter)
  async filtered(@Payload() data: { id: string; error: string }): Promise<void> {
    throw new Error(data.error);
  }

  @EventPattern('returns-nothing')
  @UseFilters(ReturnsNothingFilter)
  async returnsNothing(): Promise<void> {
    throw new Error('swallowed by a filter that returns nothing');
  }

  @EventPattern('endless', { timeoutMs: 300 })
  endless(): Observable<number> {
    return new Observable<number>((subscriber) => {
      const values = interval(50).subscribe(subscriber);
      return () => {
        values.unsubscribe();
        neverUnsubscribed = true;
      };
    });
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerEvent {
  static made = 0;
  readonly shardId: string;

  constructor(@Inject(CONTEXT) request: RequestContext<{ id: string }, KinesisContext>) {
    PerEvent.made += 1;
    this.shardId = request.getContext().getShardId();
  }
}

@Controller()
class ScopedController {
  constructor(private readonly perEvent: PerEvent) {}

  @EventPattern('scoped')
  scoped(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
    done(`${data.id} ${this.perEvent.shardId === context.getShardId() ? 'scoped ok' : 'scoped wrong'}`);
  }
}

it('guards, pipes, interceptors, filters, request scope, endless Observables: each event done with once, checkpointed only after', async () => {
  const streamName = await harness.createStream('nest-compositions');
  const checkpointer = new MemoryCheckpointer();
  const deadLetters: KinesisDeadLetter[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    // A write after every event: one written too early shows.
    checkpoint: { batchSize: 1, intervalMs: 50 },
    onDeadLetter: (deadLetter) => {
      if (deadLetter.reason !== 'undecodable')
        timeline.push(`dead ${(deadLetter.item.data as { data: { id: string } }).data.id}`);
      deadLetters.push(deadLetter);
    },
  });
  const events: ConsumerEvent[] = [];
  strategy.on('consumer-event', (event) => {
    events.push(event);
    if (event.type === 'checkpoint-written' && event.position !== 'SHARD_END')
      timeline.push(`written ${event.position.sequenceNumber}`);
  });
  const sent: [pattern: string, data: { id: string; error?: string }][] = [
    ['ctx', { id: 'c1' }],
    ['guarded', { id: 'refused' }],
    ['guarded', { id: 'g2' }],
    ['validated', { id: 'V1' }],
    ['validated', { id: 'v2' }],
    ['delayed', { id: 'd1' }],
    ['mapped', { id: 'm1' }],
    ['recovered', { id: 'r1' }],
    ['filtered', { id: 'f1', error: 'ignorable' }],
    ['filtered', { id: 'f2', error: 'serious' }],
    ['returns-nothing', { id: 'n1' }],
    ['scoped', { id: 's1' }],
    ['scoped', { id: 's2' }],
    ['endless', { id: 'e1' }],
    ['ctx', { id: 'c2' }],
  ];
  const client = harness.client(streamName);
  const sequenceOf = new Map<string, string>();
  for (const [pattern, data] of sent)
    sequenceOf.set(data.id, (await emitted(client, pattern, data, 'one')).sequenceNumber);

  const app = await harness.startApp(strategy, [ComposedController, ScopedController], [PerEvent]);
  const outcomes = (): string[] => timeline.filter((entry) => !entry.startsWith('written'));
  await waitFor('every event done with', () => outcomes().length >= sent.length, WAIT_MS);
  const last = sequenceOf.get('c2') ?? '';
  await waitFor('the last position written', () => timeline.includes(`written ${last}`), WAIT_MS);
  await harness.closeApp(app);

  expect(outcomes()).toEqual([
    'done c1 ctx ok',
    'dead refused',
    'done g2 passed the guard',
    'dead V1',
    'done V2 validated',
    'done d1',
    'done m1 mapped value',
    'done r1 recovered',
    'done f1 ignored',
    'dead f2',
    // A filter that returns nothing leaves the error to Nest's own filter: not swallowed.
    'done n1 filtered',
    'dead n1',
    'done s1 scoped ok',
    'done s2 scoped ok',
    'dead e1',
    'done c2 ctx ok',
  ]);
  expect(PerEvent.made).toBe(2);
  expect(neverUnsubscribed).toBe(true);
  // What reaches onDeadLetter: the refusal and the pipe's RpcException as Nest's filter has them.
  expect(deadLetters.map((deadLetter) => [deadLetter.reason, deadLetter.error])).toEqual([
    ['handler-failed', { status: 'error', message: 'Forbidden resource' }],
    ['handler-failed', { status: 'error', message: 'id must be lower case' }],
    ['handler-failed', { status: 'error', message: 'Internal server error' }],
    ['handler-failed', { status: 'error', message: 'Internal server error' }],
    ['handler-timeout', expect.objectContaining({ name: 'HandlerTimeoutError' })],
  ]);
  // No position written before every event up to it was done with (the check itself flags a
  // write put before the last event).
  const ids = sent.map(([, data]) => data.id);
  expect(writtenTooEarly(timeline, ids, sequenceOf)).toEqual([]);
  expect(writtenTooEarly([`written ${last}`, ...timeline], ids, sequenceOf)).not.toEqual([]);
  expect(
    await checkpointer.getCheckpoint(
      streamName,
      events.find((e) => e.type === 'lease-acquired')?.shardId ?? '',
    ),
  ).toEqual({
    kind: 'position',
    position: { sequenceNumber: last },
  });
  expect((await checkpointer.listLeases(streamName)).filter((lease) => lease.owner !== undefined)).toEqual(
    [],
  );
  expect(events.at(-1)?.type).toBe('consumer-stopped');
});

/** The `written <seq>` entries of `timeline` placed before an event up to `seq` was done with. */
function writtenTooEarly(
  timeline: readonly string[],
  ids: readonly string[],
  sequenceOf: ReadonlyMap<string, string>,
): string[] {
  const early: string[] = [];
  for (const [at, entry] of timeline.entries()) {
    const [kind, position = ''] = entry.split(' ');
    if (kind !== 'written') continue;
    const doneBefore = new Set(timeline.slice(0, at).map((earlier) => earlier.split(' ')[1]?.toLowerCase()));
    for (const id of ids) {
      const sequenceNumber = sequenceOf.get(id) ?? '';
      if (compareSequenceNumbers(sequenceNumber, position) <= 0 && !doneBefore.has(id.toLowerCase()))
        early.push(`${entry} before ${id}`);
    }
  }
  return early;
}
