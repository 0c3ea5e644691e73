package dev.baton.core.store;

import dev.baton.core.model.Holder;
import dev.baton.core.model.LockState;

/**
 * The answer of the save guard, {@code POST /v1/locks/verify}. Immutable.
 *
 * @param valid whether the token is the current holder's on an unexpired lock
 * @param reason when invalid: {@code expired}, {@code released}, {@code superseded} or {@code unknown}
 * @param holder when valid, the holder
 * @param lock the lock as it is now, token included (the caller is a service)
 */
public record Verification(boolean valid, String reason, Holder holder, LockState lock) {}
