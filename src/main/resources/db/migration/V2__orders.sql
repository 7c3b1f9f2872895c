-- Orders (dev.grocer.order.JdbcOrderRepository). Ids are time-ordered UUID strings in the "C" collation,
-- as in V1, so keyset pages by id follow creation order. Money is a whole number of the currency's minor
-- unit (cents for EUR, yen for JPY, fils for KWD): OrderManagement accepts nothing else, and Money's
-- toMinorUnits/ofMinorUnits convert exactly. One currency per order, kept on the order.
CREATE SEQUENCE order_versions;

CREATE TABLE orders (
    id                   text COLLATE "C" PRIMARY KEY,
    -- No foreign key to users: deleting a user keeps its orders, as the in-memory store does.
    user_id              text COLLATE "C" NOT NULL,
    delivery_street      text        NOT NULL,
    delivery_number      text        NOT NULL,
    delivery_city        text        NOT NULL,
    delivery_postal_code text        NOT NULL,
    status               text        NOT NULL
        CHECK (status IN ('PLACED', 'PREPARING', 'OUT_FOR_DELIVERY', 'DELIVERED', 'CANCELLED')),
    currency_code        char(3)     NOT NULL,
    total_minor          bigint      NOT NULL CHECK (total_minor >= 0),
    create_time          timestamptz NOT NULL,
    -- when the order was last written (address or status)
    update_time          timestamptz NOT NULL,
    -- when the status last changed: set at create and on every status change, never by an address change.
    -- Fulfilment advances orders whose status has stood for its step delay.
    status_time          timestamptz NOT NULL,
    -- from order_versions on every write: the etag (base 36), unique across orders as in memory
    version              bigint      NOT NULL
);

-- ListOrders for one user: WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?, one index range.
CREATE INDEX orders_user_id_id ON orders (user_id, id);

-- The orders fulfilment still has to move, oldest status first: a poller selects
--   WHERE status IN ('PLACED', 'PREPARING', 'OUT_FOR_DELIVERY') AND status_time <= now() - <step delay>
--   ORDER BY status_time FOR UPDATE SKIP LOCKED
-- Delivered and cancelled orders, the great majority over time, are not in the index. Keep the poller's
-- status list exactly this one, or PostgreSQL cannot prove the index applies.
CREATE INDEX orders_pending_status_time ON orders (status_time)
    WHERE status IN ('PLACED', 'PREPARING', 'OUT_FOR_DELIVERY');

-- An order's lines, in the order the client sent them; never changed after the order is created.
CREATE TABLE order_items (
    order_id         text COLLATE "C" NOT NULL REFERENCES orders (id),
    position         integer NOT NULL CHECK (position >= 0),
    product          text    NOT NULL,
    quantity         integer NOT NULL CHECK (quantity >= 1),
    -- in the order's currency_code
    unit_price_minor bigint  NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (order_id, position)
);

-- request_id idempotency: the order a key created, as it was then (its items, total and create time never
-- change; the address and version are kept here). The primary key makes concurrent registrations with one
-- key wait for each other, and the later ones find the first one's order. Orders are never deleted, so
-- neither are keys.
CREATE TABLE order_requests (
    request_id           text PRIMARY KEY,
    order_id             text COLLATE "C" NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
    delivery_street      text   NOT NULL,
    delivery_number      text   NOT NULL,
    delivery_city        text   NOT NULL,
    delivery_postal_code text   NOT NULL,
    version              bigint NOT NULL
);

-- How many orders are stored, and the row lock that keeps concurrent registrations within
-- grocer.orders.max-stored (UPDATE ... WHERE stored + 1 <= max). Holding it until commit also makes
-- orders commit in id order, so a keyset page never skips an order that commits later with a smaller id.
CREATE TABLE order_count (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    stored   bigint  NOT NULL CHECK (stored >= 0)
);
INSERT INTO order_count (stored) VALUES (0);
