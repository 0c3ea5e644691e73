package dev.baton.redis;

import dev.baton.core.engine.Subscriber;
import dev.baton.core.event.Event;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the Redis tests share: a fresh key prefix (every store test), and for the event relay tests
 * on one Redis and on a Cluster a principal who may edit everything, waiting for a store's answer,
 * and the hub member that records its events. Static helpers; {@link Tab} is thread-safe.
 */
final class RedisTesting {

  private RedisTesting() {
  }

  /** A fresh key prefix ({@code t} and 12 hex digits), so that every test sees an empty Redis. */
  static String newPrefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** {@code userId}, named "Dr. userId", with edit access to every resource. */
  static Principal principal(String userId) {
    return new Principal(userId, "Dr. " + userId, Set.of(), AccessRules.uniform(Access.EDIT));
  }

  /**
   * The stage's result, waiting at most 10 s.
   *
   * @throws CompletionException with the stage's failure as its cause
   * @throws IllegalStateException on a timeout or an interruption
   */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sleeps {@code ms} milliseconds; an interruption is kept and rethrown as IllegalStateException. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The hub's member on node B: records what it is handed. Thread-safe. */
  static final class Tab implements Subscriber {
    private final String connectionId;
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

    Tab(String connectionId) {
      this.connectionId = connectionId;
    }

    @Override
    public String connectionId() {
      return connectionId;
    }

    @Override
    public void deliver(Event event) {
      events.add(event);
    }

    /** A copy of the events handed so far, in order. */
    List<Event> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    /**
     * The first event that matches {@code p}, waiting up to 5 s for it.
     *
     * @throws AssertionError if none came
     */
    Event await(Predicate<Event> p) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        for (Event e : events()) {
          if (p.test(e)) {
            return e;
          }
        }
        sleep(10);
      }
      throw new AssertionError("no matching event; got " + events());
    }
  }
}
