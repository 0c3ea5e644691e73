package dev.baton.core.event;

/** An event for one session, wherever it is connected. */
public sealed interface SessionEvent extends Event
    permits LockGranted, LockExpiring, LockExpired, LockRevoked, LockQueued, LockRequested,
        TakeoverRequested, TakeoverDeclined, SessionAttached, SessionEnded {

  String sessionId();
}
