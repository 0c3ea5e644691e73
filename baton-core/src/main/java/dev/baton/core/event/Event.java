package dev.baton.core.event;

/**
 * A state transition announced to clients. {@link ResourceEvent}s go to every member of their resource,
 * {@link SessionEvent}s to one session. Immutable.
 */
public sealed interface Event permits ResourceEvent, SessionEvent {}
