// Case: unsubscribing while a lease is being acquired. The pipeline is unsubscribed while the
// checkpointer's acquireLease() is still pending; once it answers and stopped() resolved, the
// consumer must hold no lease, renew nothing, and leave no timer or socket behind (the process
// can exit). Once the late acquisition started the renewal timer after the stop (15 renewal
// ticks after stop, and the process never exited).
import { type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import { waitFor } from '../../support/streamRecords.js';
import { activeResources, extraResources } from '../../support/activeResources.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('after unsubscribe during acquireLease() and stopped(): no lease held, no renewal, no timer or socket left', async () => {
  const streamName = uniqueStreamName('unsubscribe-acquire');
  await kinesis.createStream(streamName, 1);
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  // Renewed every ~100 ms while held.
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer({ leaseDurationMs: 300 }), {
    beforeAcquire: () => gate,
  });
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
  });
  // The consumer's sockets: those to the test Kinesis (not its own connections to its store).
  const scope = { endpoints: [kinesis.endpoint] };
  const baseline = activeResources(scope);
  let subscription: Subscription | undefined;
  try {
    subscription = consumer.pipe(checkpoint()).subscribe();
    await waitFor(() => checkpointer.acquiresPending > 0, {
      timeoutMs: 30_000,
      message: () => 'the consumer never asked for a lease',
    });
    subscription.unsubscribe();
    // acquireLease() answers after the stop began: once stopped() resolved, or after 500 ms if
    // stopped() waits for it.
    const stopped = consumer.stopped();
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 500))]);
    openGate();
    await waitFor(() => checkpointer.acquiresPending === 0, {
      timeoutMs: 10_000,
      message: () => 'acquireLease() did not answer',
    });
    await consumer.stopped();
    const renewalsAtStop = checkpointer.renewCalls;

    // Nothing of the consumer keeps the process alive (sockets may take a moment to close).
    await waitFor(() => extraResources(baseline, scope).length === 0, {
      timeoutMs: 15_000,
      message: () => `still active after stopped(): ${extraResources(baseline, scope).join(', ')}`,
    });
    // No lease is left held for the stopped consumer.
    const leases = await checkpointer.listLeases(streamName);
    expect(
      leases.filter((lease) => lease.owner !== undefined && (lease.expiresAt ?? 0) > Date.now()),
    ).toEqual([]);
    // And nothing renews one: watch for 10 renewal periods (a correct consumer renews nothing, however long).
    const renewed = await waitFor(() => checkpointer.renewCalls > renewalsAtStop, {
      timeoutMs: 1000,
      message: () => '',
    }).then(
      () => true,
      () => false,
    );
    expect({ renewLeaseCallsAfterStop: checkpointer.renewCalls - renewalsAtStop, renewed }).toEqual({
      renewLeaseCallsAfterStop: 0,
      renewed: false,
    });
  } finally {
    subscription?.unsubscribe();
    openGate();
    await consumer.stopped();
  }
});
