/**
 * The default clock of a DynamoDBCheckpointer, in whole epoch ms: the wall clock when the process
 * started plus the time a monotonic clock has counted since. Leases, heartbeats and handoff
 * requests of other workers are judged by how long this clock watched them stand still, so it
 * must never jump ahead: a wall clock stepped forward (an NTP correction of a clock that was off
 * by seconds, a virtual machine resumed) would make a live lease look expired, and it would be
 * taken from an owner still reading it. This one is not stepped. It runs behind the wall clock at
 * worst (it does not count a machine's sleep), which makes others' leases look live longer, and
 * this process's own leases too (a lease it held before a suspend still looks held after it);
 * every write through a lease stays conditioned on what the table holds, and the consumer judges
 * its own leases on its scheduler's clock. Whole milliseconds, as `Date.now` gives, so the
 * deadlines in events and lease snapshots read as before.
 */
export function steadyNow(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}
