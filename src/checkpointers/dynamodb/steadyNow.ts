/**
 * The default clock of a DynamoDBCheckpointer, in epoch ms: the wall clock when the process
 * started plus the time a monotonic clock has counted since. Leases, heartbeats and handoff
 * requests of other workers are judged by how long this clock watched them stand still, so it
 * must never jump ahead: a wall clock stepped forward (an NTP correction of a clock that was off
 * by seconds, a virtual machine resumed) would make a live lease look expired, and it would be
 * taken from an owner still reading it. This one is not stepped; it runs behind the wall clock
 * at worst (it does not count a machine's sleep), which only makes others' leases look live
 * longer, and every write through a lease stays conditioned on what the table holds.
 */
export function steadyNow(): number {
  return performance.timeOrigin + performance.now();
}
