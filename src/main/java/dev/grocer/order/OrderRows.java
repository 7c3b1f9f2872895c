package dev.grocer.order;

import static dev.grocer.store.SqlTime.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.ResultSetExtractor;

/**
 * How {@link JdbcOrderRepository} reads orders: an order's row joined with its items' rows, one row per item,
 * back into {@link Order}s (money from whole minor units of the order's currency).
 */
final class OrderRows {

    /** An order's columns ({@code o}) and its items' ({@code i}), one row per item, as {@link #ORDERS} reads them. */
    static final String COLUMNS = "o.id, o.user_id, o.delivery_street, o.delivery_number, o.delivery_city, "
            + "o.delivery_postal_code, o.status, o.currency_code, o.total_minor, o.create_time, o.update_time, "
            + "o.version, i.product, i.quantity, i.unit_price_minor";
    /** Joins the items of the orders {@code o}: {@link #COLUMNS} then reads from both. */
    static final String WITH_ITEMS = " LEFT JOIN order_items i ON i.order_id = o.id";
    /** The order {@link #ORDERS} needs the rows in. */
    static final String BY_ORDER_AND_POSITION = " ORDER BY o.id, i.position";
    /** Reads rows of {@link #COLUMNS}, sorted {@link #BY_ORDER_AND_POSITION}, into orders. */
    static final ResultSetExtractor<List<Order>> ORDERS = OrderRows::orders;

    private OrderRows() {
    }

    /**
     * Orders from rows of {@link #COLUMNS} sorted by order id and item position: one order per run of rows with
     * the same id, one item per row (none for an order without items, where the LEFT JOIN gives nulls).
     */
    private static List<Order> orders(ResultSet rs) throws SQLException {
        List<Order> orders = new ArrayList<>();
        Order header = null;
        List<OrderItem> items = new ArrayList<>();
        while (rs.next()) {
            String id = rs.getString("id");
            if (header == null || !header.id().equals(id)) {
                if (header != null) {
                    orders.add(withItems(header, items));
                    items.clear();
                }
                String currency = rs.getString("currency_code");
                header = new Order(id, rs.getString("user_id"), List.of(), new Address(rs.getString("delivery_street"),
                        rs.getString("delivery_number"), rs.getString("delivery_city"),
                        rs.getString("delivery_postal_code")), OrderStatus.valueOf(rs.getString("status")),
                        Money.ofMinorUnits(currency, rs.getLong("total_minor")), instant(rs, "create_time"),
                        instant(rs, "update_time"), rs.getLong("version"));
            }
            String product = rs.getString("product");
            if (product != null) {
                items.add(new OrderItem(product, rs.getInt("quantity"),
                        Money.ofMinorUnits(header.total().currencyCode(), rs.getLong("unit_price_minor"))));
            }
        }
        if (header != null) {
            orders.add(withItems(header, items));
        }
        return orders;
    }

    private static Order withItems(Order header, List<OrderItem> items) {
        return new Order(header.id(), header.userId(), items, header.deliveryAddress(), header.status(),
                header.total(), header.createTime(), header.updateTime(), header.version());
    }
}
