-- GreeterService's items (dev.grocer.greeter.JdbcItemRepository). Ids are time-ordered UUID strings; the
-- "C" collation orders them byte by byte, as the in-memory store does, so keyset pages by id follow
-- creation order. Items are never changed or deleted once added.
CREATE SEQUENCE item_versions;

CREATE TABLE items (
    id          text COLLATE "C" PRIMARY KEY,
    name        text        NOT NULL,
    quantity    integer     NOT NULL,
    create_time timestamptz NOT NULL,
    update_time timestamptz NOT NULL,
    -- from item_versions: the etag (base 36), unique across items as in memory
    version     bigint      NOT NULL
);

-- request_id idempotency: the item a key created. The primary key makes concurrent creates with one key
-- yield one item; as items are never deleted, a key stays bound to its item for good. The key's row goes in
-- before its item, hence the deferred reference.
CREATE TABLE item_requests (
    request_id text PRIMARY KEY,
    item_id    text COLLATE "C" NOT NULL REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED
);

-- How many items are stored: count() in O(1), and the row lock that keeps concurrent creates within
-- grocer.greeter.max-stored-items (UPDATE ... WHERE stored + 1 <= max).
CREATE TABLE item_count (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    stored   bigint  NOT NULL CHECK (stored >= 0)
);
INSERT INTO item_count (stored) VALUES (0);
