package dev.grocer.greeter;

import org.springframework.stereotype.Service;

import dev.grocer.common.DomainException;
import dev.grocer.common.PageRequest;
import dev.grocer.common.PageRequest.Page;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.common.Violations;
import dev.grocer.user.UserManagement;

/**
 * GreeterService's rules: whom to greet and how, what a valid item is, and how ListItems pages through
 * the store. Field names in its errors are the request fields of {@code grocer.greeter.v1}, so a client
 * can point at the bad one.
 */
@Service
class GreeterManagement {

    static final int MAX_NAME = 100;
    static final int MAX_QUANTITY = 1_000_000;
    private static final String LIST_SCOPE = "ListItems";

    private final ItemRepository items;
    private final UserManagement users;
    private final GreeterProperties properties;

    GreeterManagement(ItemRepository items, UserManagement users, GreeterProperties properties) {
        this.items = items;
        this.users = users;
        this.properties = properties;
    }

    /**
     * The greeting for a name or, if no name is given, for a user's display name.
     *
     * @param name the name to greet, or {@code null} if the request names none
     * @param userId the id of the user to greet, or {@code null} if the request names none
     */
    String sayHello(String name, String userId) {
        if (name != null) {
            Violations violations = new Violations();
            String clean = violations.singleLine(name, "name", MAX_NAME);
            violations.throwIfAny();
            return greeting(clean);
        }
        if (userId != null) {
            return greeting(users.get(userId, "user_id").displayName());
        }
        throw DomainException.invalidArgument("name", "set name or user_id");
    }

    /** Adds an item; see {@link ItemRepository#create}. The name is trimmed before it is stored. */
    Item addItem(NewItem item, String requestId) {
        Violations violations = new Violations();
        String name = violations.singleLine(item.name(), "item.name", MAX_NAME);
        violations.check(item.quantity() >= 1 && item.quantity() <= MAX_QUANTITY, "item.quantity",
                "must be 1 to " + MAX_QUANTITY + ", was " + item.quantity());
        String key = violations.requestId(requestId);
        violations.throwIfAny();
        return items.create(new NewItem(name, item.quantity()), key);
    }

    /** The item with this id. */
    Item getItem(String id) {
        Violations violations = new Violations();
        violations.id(id, "id", "an item id as returned by AddItem");
        violations.throwIfAny();
        return items.findById(id).orElseThrow(() -> DomainException.notFound(Item.RESOURCE_TYPE, "item", id));
    }

    /**
     * One page of items in id order (AIP-158). Reads one item more than the page from the store, to know
     * whether another page follows, so a page costs O(page size) however many items are stored.
     */
    Page<Item> listItems(int pageSize, String pageToken) {
        PageRequest page = PageRequest.of(pageSize, pageToken, LIST_SCOPE, properties.defaultPageSize(),
                properties.maxPageSize(), TimeOrderedIds::isCanonicalUuid);
        return page.toPage(items.listAfter(page.afterKey(), page.fetchSize()), Item::id);
    }

    private static String greeting(String name) {
        return "Hello, " + name + "!";
    }
}
