package dev.baton.core.model;

/**
 * One session's presence in one resource. One user with two tabs is two members with the same
 * {@code userId}. Immutable.
 *
 * @param sessionId the member's session
 * @param userId the JWT subject
 * @param name the display name
 * @param role editor when the session holds the resource's lock
 * @param status online, or away while its session is inside the disconnect grace
 * @param since epoch milliseconds of the last change of status or role, for display only
 */
public record Member(
    String sessionId, String userId, String name, Role role, MemberStatus status, long since) {}
