package dev.grocer.greeter;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.ApplicationContext;

/** Every stored item, for tests outside this package that compare the store before and after a call. */
public final class ItemSnapshots {

    private ItemSnapshots() {}

    /** The items in id order, read from the repository in {@code context}. */
    public static List<Object> all(ApplicationContext context) {
        ItemRepository items = context.getBean(ItemRepository.class);
        List<Object> all = new ArrayList<>();
        String after = null;
        for (List<Item> page = items.listAfter(null, 1000); !page.isEmpty(); page = items.listAfter(after, 1000)) {
            all.addAll(page);
            after = page.get(page.size() - 1).id();
        }
        return all;
    }
}
