-- How many users, orders and items are stored (dev.grocer.store.StoreQuota), replacing the one-row counters
-- of V1..V3. Every create had to lock that one row and hold it through its insert and commit, so creates ran
-- one at a time however many connections and replicas there were. The count is now split over 32 stripes per
-- resource: a create locks one stripe with room, and creates on different stripes do not wait for each
-- other. The maxima stay settings (grocer.users.max-stored, grocer.orders.max-stored,
-- grocer.greeter.max-stored-items), not data: each stripe's cap is computed from the setting at run time
-- (max / 32, one more for the first max % 32 stripes), so the caps add up to the setting exactly.
CREATE TABLE store_quota (
    resource text     NOT NULL CHECK (resource IN ('users', 'orders', 'items')),
    stripe   smallint NOT NULL CHECK (stripe >= 0 AND stripe < 32),
    stored   bigint   NOT NULL CHECK (stored >= 0),
    PRIMARY KEY (resource, stripe)
);

-- The counts so far go into stripe 0. It may then hold more than its cap; StoreQuota creates nothing through
-- the stripes while any stripe is over its cap, and the first create that locks them all (and finds room
-- under the setting) spreads the count evenly, within every cap.
INSERT INTO store_quota (resource, stripe, stored)
SELECT counted.resource, stripe, CASE WHEN stripe = 0 THEN counted.stored ELSE 0 END
FROM (SELECT 'users', stored FROM user_count
      UNION ALL SELECT 'orders', stored FROM order_count
      UNION ALL SELECT 'items', stored FROM item_count) AS counted (resource, stored)
CROSS JOIN generate_series(0, 31) AS stripe;

DROP TABLE user_count, order_count, item_count;
