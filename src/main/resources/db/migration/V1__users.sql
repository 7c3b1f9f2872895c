-- Users (dev.grocer.user.JdbcUserRepository). Ids are time-ordered UUID strings; the "C" collation
-- orders them byte by byte, as the in-memory store does, so keyset pages by id follow creation order.
CREATE SEQUENCE user_versions;

CREATE TABLE users (
    id           text COLLATE "C" PRIMARY KEY,
    display_name text        NOT NULL,
    email        text        NOT NULL,
    create_time  timestamptz NOT NULL,
    update_time  timestamptz NOT NULL,
    -- from user_versions on every write: the etag (base 36), unique across users as in memory
    version      bigint      NOT NULL
);

-- Emails are unique ignoring case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- request_id idempotency: the user a key created, as it was then. The primary key makes concurrent
-- creates with one key wait for each other; deleting the user frees the key.
CREATE TABLE user_requests (
    request_id   text PRIMARY KEY,
    user_id      text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    display_name text        NOT NULL,
    email        text        NOT NULL,
    create_time  timestamptz NOT NULL,
    version      bigint      NOT NULL
);
CREATE INDEX user_requests_user_id ON user_requests (user_id);

-- How many users are stored: count() in O(1), and the row lock that keeps concurrent creates within
-- grocer.users.max-stored (UPDATE ... WHERE stored + n <= max).
CREATE TABLE user_count (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    stored   bigint  NOT NULL CHECK (stored >= 0)
);
INSERT INTO user_count (stored) VALUES (0);
