package dev.baton.server.loadgen;

/**
 * Server memory with no connection and with every connection joined and idle, summed over the nodes.
 * Immutable.
 *
 * @param connections connections open in the second reading
 * @param heapBeforeBytes heap in use before connecting; -1 unknown
 * @param heapJoinedBytes heap in use with every connection joined; -1 unknown
 * @param heapPerConnectionBytes (joined - before) / connections; -1 unknown
 * @param rssBeforeBytes resident set size before connecting; -1 unknown
 * @param rssJoinedBytes resident set size with every connection joined; -1 unknown
 * @param rssPerConnectionBytes (joined - before) / connections; -1 unknown
 * @param afterGc whether both heap readings followed a full GC (only then do they count live objects
 *     alone; give {@code --server-pid})
 */
public record MemoryResult(int connections, long heapBeforeBytes, long heapJoinedBytes,
    long heapPerConnectionBytes, long rssBeforeBytes, long rssJoinedBytes, long rssPerConnectionBytes,
    boolean afterGc) {

  static MemoryResult of(int connections, ServerProbe.Reading before, ServerProbe.Reading joined) {
    return new MemoryResult(connections, before.heapUsedBytes(), joined.heapUsedBytes(),
        perConnection(before.heapUsedBytes(), joined.heapUsedBytes(), connections),
        before.rssBytes(), joined.rssBytes(), perConnection(before.rssBytes(), joined.rssBytes(), connections),
        before.afterGc() && joined.afterGc());
  }

  private static long perConnection(long before, long after, int connections) {
    return before < 0 || after < 0 || connections == 0 ? -1 : (after - before) / connections;
  }
}
