package dev.grocer.common;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A rule of grocer's domain was broken by the caller. Carries everything a client needs to fix the
 * call; the transport maps {@link Kind} to its own status codes in one place.
 */
public class DomainException extends RuntimeException {

    /** What went wrong, in terms every transport has a status for. */
    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        FAILED_PRECONDITION,
        ABORTED,
        RESOURCE_EXHAUSTED,
        UNAVAILABLE,
        DEADLINE_EXCEEDED,
        UNAUTHENTICATED,
        PERMISSION_DENIED
    }

    private final Kind kind;
    private final String reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;
    private final Resource resource;

    /**
     * The resource an error is about.
     *
     * @param type the resource type, e.g. {@code grocer.user.v1.User}
     * @param name the resource's id or other identifying value
     */
    public record Resource(String type, String name) {}

    private DomainException(Kind kind, String reason, String message, Map<String, String> metadata,
            List<FieldViolation> violations, Resource resource) {
        super(message, null, false, false);
        this.kind = requireNonNull(kind, "kind");
        this.reason = requireNonNull(reason, "reason");
        this.metadata = Map.copyOf(metadata);
        this.violations = List.copyOf(violations);
        this.resource = resource;
    }

    /** Bad input: one violation per bad field. The reason is {@code INVALID_ARGUMENT}. */
    public static DomainException invalidArgument(List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid argument needs at least one violation");
        }
        StringBuilder message = new StringBuilder("invalid request: ");
        for (int i = 0; i < violations.size(); i++) {
            FieldViolation v = violations.get(i);
            message.append(i == 0 ? "" : "; ").append(v.field()).append(": ").append(v.description());
        }
        return new DomainException(Kind.INVALID_ARGUMENT, "INVALID_ARGUMENT", message.toString(), Map.of(),
                violations, null);
    }

    /** Bad input in one field. */
    public static DomainException invalidArgument(String field, String description) {
        return invalidArgument(List.of(new FieldViolation(field, description)));
    }

    /** No resource of that type has that id. The reason is e.g. {@code USER_NOT_FOUND}. */
    public static DomainException notFound(String resourceType, String shortType, String id) {
        return new DomainException(Kind.NOT_FOUND, upperSnake(shortType) + "_NOT_FOUND",
                shortType + " '" + id + "' does not exist",
                Map.of("id", id), List.of(), new Resource(resourceType, id));
    }

    /** Creating or changing a resource would duplicate a value that must be unique. */
    public static DomainException alreadyExists(String reason, String message, Map<String, String> metadata,
            Resource resource) {
        return new DomainException(Kind.ALREADY_EXISTS, reason, message, metadata, List.of(), resource);
    }

    /** The caller's etag is not the resource's current one: re-read and retry. */
    public static DomainException etagMismatch(String resourceType, String shortType, String id, String sentEtag,
            String currentEtag) {
        return new DomainException(Kind.ABORTED, "ETAG_MISMATCH",
                shortType + " '" + id + "' was changed since etag '" + sentEtag
                        + "' was read; get it again and retry with the current etag",
                Map.of("id", id, "sent_etag", sentEtag, "current_etag", currentEtag), List.of(),
                new Resource(resourceType, id));
    }

    /** The resource is not in a state that allows the call. */
    public static DomainException failedPrecondition(String reason, String message, Map<String, String> metadata) {
        return new DomainException(Kind.FAILED_PRECONDITION, reason, message, metadata, List.of(), null);
    }

    /** A configured limit was reached. */
    public static DomainException resourceExhausted(String reason, String message, Map<String, String> metadata) {
        return new DomainException(Kind.RESOURCE_EXHAUSTED, reason, message, metadata, List.of(), null);
    }

    /**
     * A store holds as many records of a type as it may ({@code grocer.*.max-stored*}): nothing was created.
     * The reason is {@code STORE_FULL}.
     *
     * @param resourceType e.g. {@code grocer.user.v1.User}
     * @param plural what is stored, e.g. {@code users}
     */
    public static DomainException storeFull(String resourceType, String plural, long maxStored) {
        return new DomainException(Kind.RESOURCE_EXHAUSTED, "STORE_FULL",
                "the store holds its maximum of " + maxStored + " " + plural + "; nothing was created",
                Map.of("resource_type", resourceType, "max_stored", Long.toString(maxStored)), List.of(), null);
    }

    /** The service cannot take the call right now; a retry elsewhere or later may succeed. */
    public static DomainException unavailable(String reason, String message) {
        return new DomainException(Kind.UNAVAILABLE, reason, message, Map.of(), List.of(), null);
    }

    /**
     * Every connection to the store is in use and as many calls as may wait for one already do: refused at once
     * rather than queued. The reason is {@code STORE_BUSY}; retry with backoff.
     */
    public static DomainException storeBusy(int poolSize, int maxWaiting) {
        return new DomainException(Kind.RESOURCE_EXHAUSTED, "STORE_BUSY",
                "the store is busy: all " + poolSize + " connections are in use and " + maxWaiting
                        + " calls are waiting for one; retry with backoff",
                Map.of("pool_size", Integer.toString(poolSize), "max_waiting_calls", Integer.toString(maxWaiting)),
                List.of(), null);
    }

    /**
     * The call arrived with less time before its deadline than the store needs to do anything useful: nothing was
     * done. The reason is {@code DEADLINE_TOO_SHORT}; retry with a longer deadline.
     */
    public static DomainException deadlineTooShort(long millisLeft, long minMillis) {
        return new DomainException(Kind.DEADLINE_EXCEEDED, "DEADLINE_TOO_SHORT",
                "the call's deadline leaves " + millisLeft + " ms, less than the " + minMillis
                        + " ms the store needs; nothing was done; retry with a longer deadline",
                Map.of("time_left_ms", Long.toString(millisLeft), "min_time_left_ms", Long.toString(minMillis)),
                List.of(), null);
    }

    /** The caller did not prove who it is: no credentials, or credentials that are not valid. */
    public static DomainException unauthenticated(String reason, String message) {
        return new DomainException(Kind.UNAUTHENTICATED, reason, message, Map.of(), List.of(), null);
    }

    /** The caller is known but not allowed to make the call. */
    public static DomainException permissionDenied(String reason, String message, Map<String, String> metadata) {
        return new DomainException(Kind.PERMISSION_DENIED, reason, message, metadata, List.of(), null);
    }

    /** This error with one more metadata entry, e.g. how much of a stream was applied before it. */
    public DomainException withMetadata(String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(metadata);
        more.put(key, value);
        return new DomainException(kind, reason, getMessage(), more, violations, resource);
    }

    public Kind kind() {
        return kind;
    }

    /** A stable, UPPER_SNAKE_CASE name of the cause that clients may switch on. */
    public String reason() {
        return reason;
    }

    /** Facts about the cause, e.g. the id that was not found. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** For {@link Kind#INVALID_ARGUMENT}: one entry per bad field. */
    public List<FieldViolation> violations() {
        return violations;
    }

    /** The resource the error is about, or {@code null}. */
    public Resource resource() {
        return resource;
    }

    private static String upperSnake(String words) {
        return words.trim().replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(java.util.Locale.ROOT);
    }
}
