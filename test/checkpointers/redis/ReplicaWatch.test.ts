import { ReplicaWatch } from '../../../src/checkpointers/redis/ReplicaWatch.js';

const BOUND = 10_000;

function watch() {
  const clock = { now: 1_000_000 };
  return { clock, replicas: new ReplicaWatch(BOUND, () => clock.now) };
}

describe('ReplicaWatch', () => {
  it('reports a server seen a replica for the bound or longer', () => {
    const { clock, replicas } = watch();
    expect(replicas.sawRole('slave')).toBeUndefined();
    clock.now += BOUND - 1;
    expect(replicas.sawRole('slave')).toBeUndefined();
    clock.now += 1;
    expect(replicas.sawRole('slave')).toBe(BOUND);
  });

  it.each([
    ['ROLE says master', (replicas: ReplicaWatch) => void replicas.sawRole('master')],
    ['a write went through', (replicas: ReplicaWatch) => replicas.wrote()],
  ])('starts counting afresh once %s', (_name, end) => {
    const { clock, replicas } = watch();
    replicas.sawRole('slave');
    clock.now += BOUND - 1;
    end(replicas);
    clock.now += 1;
    expect(replicas.sawRole('slave')).toBeUndefined();
    clock.now += BOUND - 1;
    expect(replicas.sawRole('slave')).toBeUndefined();
  });

  it('counts a clock stepped back as no time passing, not as a spell an hour shorter', () => {
    const { clock, replicas } = watch();
    replicas.sawRole('slave');
    clock.now -= 3_600_000;
    expect(replicas.sawRole('slave')).toBeUndefined();
    clock.now += BOUND - 1;
    expect(replicas.sawRole('slave')).toBeUndefined();
    clock.now += 1;
    expect(replicas.sawRole('slave')).toBe(BOUND);
  });

  it('starts counting afresh when no replica was seen for the bound (a later failover)', () => {
    const { clock, replicas } = watch();
    replicas.sawRole('slave');
    clock.now += BOUND / 2;
    replicas.sawRole('slave');
    clock.now += BOUND + 1;
    expect(replicas.sawRole('slave')).toBeUndefined();
  });

  it.each([
    ['ROLE said master', (replicas: ReplicaWatch) => void replicas.sawRole('master')],
    ['a write went through', (replicas: ReplicaWatch) => replicas.wrote()],
  ])('never reports a server once %s: a later replica is a failover, however long', (_name, primary) => {
    const { clock, replicas } = watch();
    primary(replicas);
    expect(replicas.sawRole('slave')).toBeUndefined();
    for (let step = 0; step < 10; step += 1) {
      clock.now += BOUND / 2;
      expect(replicas.sawRole('slave')).toBeUndefined();
    }
  });

  it('ignores an unreadable ROLE answer', () => {
    const { clock, replicas } = watch();
    replicas.sawRole('slave');
    clock.now += BOUND;
    expect(replicas.sawRole(undefined)).toBeUndefined();
    expect(replicas.sawRole('replica')).toBe(BOUND);
  });

  it('tells when the current replica spell started, also once the server was seen a primary', () => {
    const { clock, replicas } = watch();
    replicas.wrote();
    expect(replicas.since).toBeUndefined();
    const start = clock.now;
    replicas.sawRole('slave');
    clock.now += BOUND;
    replicas.sawRole('slave');
    expect(replicas.since).toBe(start);
    replicas.sawRole('master');
    expect(replicas.since).toBeUndefined();
  });
});
