package dev.grocer.user;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import dev.grocer.common.DomainException;
import dev.grocer.common.PageTokens;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.common.Violations;

/**
 * UserService's rules: what a valid user is, and how listings page through the store. Field names in
 * its errors are the request fields of {@code grocer.user.v1}, so a client can point at the bad one.
 */
@Service
public class UserManagement {

    static final int MAX_DISPLAY_NAME = 100;
    static final int MAX_EMAIL = 254;
    private static final String LIST_SCOPE = "ListUsers";
    private static final String USER_ID = "a user id as returned by CreateUser";

    // A pragmatic address check: a dot-atom local part, and a domain of DNS labels with an alphabetic TLD.
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

    private final UserRepository repository;
    private final UserProperties properties;

    UserManagement(UserRepository repository, UserProperties properties) {
        this.repository = repository;
        this.properties = properties;
    }

    /** Creates a user; see {@link UserRepository#create}. Values are trimmed before they are stored. */
    public User create(NewUser user, String requestId) {
        Violations violations = new Violations();
        NewUser clean = new NewUser(checkDisplayName(user.displayName(), violations),
                checkEmail(user.email(), violations));
        String key = violations.requestId(requestId);
        violations.throwIfAny();
        return repository.create(clean, key);
    }

    /**
     * Creates the valid users of a batch (a CreateUsers stream) at once; see
     * {@link UserRepository#createAll}: if the store cannot take them all it throws RESOURCE_EXHAUSTED
     * (STORE_FULL) and creates none.
     *
     * @return per entry, in order: the created user, or the error that entry alone caused
     */
    private List<UserRepository.Outcome> createAll(List<UserRepository.Entry> batch) {
        List<UserRepository.Outcome> outcomes = new java.util.ArrayList<>(batch.size());
        List<UserRepository.Entry> valid = new java.util.ArrayList<>(batch.size());
        for (UserRepository.Entry entry : batch) {
            Violations violations = new Violations();
            NewUser clean = new NewUser(checkDisplayName(entry.user().displayName(), violations),
                    checkEmail(entry.user().email(), violations));
            String key = violations.requestId(entry.requestId());
            try {
                violations.throwIfAny();
                valid.add(new UserRepository.Entry(clean, key));
                outcomes.add(null); // filled in below
            } catch (DomainException e) {
                outcomes.add(new UserRepository.Outcome(null, e));
            }
        }
        java.util.Iterator<UserRepository.Outcome> created = repository.createAll(valid).iterator();
        outcomes.replaceAll(outcome -> outcome == null ? created.next() : outcome);
        return outcomes;
    }

    /** The user with this id. */
    public User get(String id) {
        return get(id, "id");
    }

    /**
     * The user with this id, for callers whose request names the id differently (e.g. an order's
     * {@code order.user_id}): a malformed id is reported as a violation of {@code field}.
     */
    public User get(String id, String field) {
        checkId(id, field);
        return repository.findById(id).orElseThrow(() -> DomainException.notFound(User.RESOURCE_TYPE, "user", id));
    }

    /** Changes the fields set in {@code changes}; see {@link UserRepository#update}. */
    public User update(String id, UserChanges changes, String etag) {
        Violations violations = new Violations();
        violations.id(id, "user.id", USER_ID);
        UserChanges clean = new UserChanges(
                changes.displayName() == null ? null : checkDisplayName(changes.displayName(), violations),
                changes.email() == null ? null : checkEmail(changes.email(), violations));
        violations.throwIfAny();
        return repository.update(id, clean, emptyToNull(etag));
    }

    /** Deletes a user; see {@link UserRepository#delete}. */
    public void delete(String id, String etag) {
        checkId(id, "id");
        repository.delete(id, emptyToNull(etag));
    }

    /**
     * The users after the one {@code pageToken} points at, in id order, read from the store a chunk at a
     * time as the iterator advances, so a listing of millions holds one chunk in memory.
     *
     * @param limit the most users to return; 0 for no limit
     */
    public Iterator<User> list(int limit, String pageToken) {
        Violations violations = new Violations();
        violations.check(limit >= 0, "limit", "must be 0 (no limit) or more, was " + limit);
        violations.throwIfAny();
        String after = PageTokens.keyOf(pageToken, LIST_SCOPE, "page_token");
        if (after != null && !TimeOrderedIds.isCanonicalUuid(after)) {
            throw DomainException.invalidArgument("page_token", "is not a page token issued by this service");
        }
        return new ChunkedIterator(after, limit == 0 ? Long.MAX_VALUE : limit);
    }

    /** The page token that resumes a listing after {@code user}. */
    public static String pageTokenAfter(User user) {
        return PageTokens.after(LIST_SCOPE, user.id());
    }

    /** Opens the batch of one CreateUsers stream: its entries are kept while the stream is open and created together. */
    public Batch openBatch() {
        return new Batch();
    }

    /**
     * The entries of one CreateUsers stream. An entry over {@code grocer.users.max-batch-size} fails the whole
     * batch (RESOURCE_EXHAUSTED, BATCH_TOO_LARGE) and nothing of it is created; otherwise {@link #create()} creates
     * every entry as {@link #createAll} does. Not thread-safe: a stream delivers its messages one at a time.
     */
    public final class Batch {

        private final List<UserRepository.Entry> entries = new java.util.ArrayList<>();

        private Batch() {
        }

        /** Adds one entry, or forgets the whole batch and throws if it is one more than a batch may hold. */
        public void add(NewUser user, String requestId) {
            try {
                checkBatchSize(entries.size() + 1);
            } catch (DomainException e) {
                entries.clear();
                throw e;
            }
            entries.add(new UserRepository.Entry(user, requestId));
        }

        /** Creates the entries added so far, and empties the batch. */
        public List<UserRepository.Outcome> create() {
            List<UserRepository.Entry> all = List.copyOf(entries);
            entries.clear();
            return createAll(all);
        }

        /** Forgets the entries: the client gave up on the stream. */
        public void discard() {
            entries.clear();
        }
    }

    /**
     * Checks that one more request fits into a CreateUsers batch.
     *
     * @param received how many requests the batch holds with the new one
     */
    private void checkBatchSize(int received) {
        if (received > properties.maxBatchSize()) {
            throw DomainException.resourceExhausted("BATCH_TOO_LARGE",
                    "a CreateUsers stream may carry at most " + properties.maxBatchSize()
                            + " requests; split the batch (nothing was created)",
                    Map.of("max_batch_size", Integer.toString(properties.maxBatchSize())));
        }
    }

    private static String checkDisplayName(String raw, Violations violations) {
        return violations.singleLine(raw, "user.display_name", MAX_DISPLAY_NAME);
    }

    private static String checkEmail(String raw, Violations violations) {
        String email = raw == null ? "" : raw.strip();
        if (violations.check(!email.isEmpty(), "user.email", "is required")
                && violations.check(email.length() <= MAX_EMAIL, "user.email",
                        "must be at most " + MAX_EMAIL + " characters, was " + email.length())) {
            violations.check(EMAIL.matcher(email).matches() && email.indexOf('@') <= 64, "user.email",
                    "must be an email address like name@example.com, was '" + email + "'");
        }
        return email;
    }

    private static void checkId(String id, String field) {
        Violations violations = new Violations();
        violations.id(id, field, USER_ID);
        violations.throwIfAny();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Walks the store in id order, one chunk at a time. */
    private final class ChunkedIterator implements Iterator<User> {
        private String after;
        private long remaining;
        private Iterator<User> chunk = List.<User>of().iterator();
        private boolean exhausted;

        ChunkedIterator(String after, long remaining) {
            this.after = after;
            this.remaining = remaining;
        }

        @Override
        public boolean hasNext() {
            if (remaining == 0) {
                return false;
            }
            if (!chunk.hasNext() && !exhausted) {
                int size = (int) Math.min(properties.listChunkSize(), remaining);
                List<User> next = repository.listAfter(after, size);
                exhausted = next.size() < size;
                chunk = next.iterator();
            }
            return chunk.hasNext();
        }

        @Override
        public User next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            User user = chunk.next();
            after = user.id();
            remaining--;
            return user;
        }
    }
}
