package org.amfkeys.sim.scenario;

/**
 * A run as the sampling thread sees it once a second, for a progress line: counters that other threads
 * write are read without synchronising with them, so a figure may lag a little behind; the final
 * report's figures are exact.
 *
 * @param elapsedNanos since the run started.
 * @param done         items finished (registrations, moves, steps).
 * @param outOfSync    items after which the UE's keys differed from the network's.
 * @param p99Nanos     the 99th percentile of every latency recorded so far, in nanoseconds; 0 before the first.
 */
public record Progress(long elapsedNanos, long done, long outOfSync, long p99Nanos)
{
}
