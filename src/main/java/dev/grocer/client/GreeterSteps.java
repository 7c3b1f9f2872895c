package dev.grocer.client;

import java.util.ArrayList;
import java.util.List;

import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.user.v1.User;

/** The demo's GreeterService steps: greetings by name and by user, items added, read and listed. */
final class GreeterSteps {

    private final GrocerStubs stubs;
    private final DemoScript script;

    GreeterSteps(GrocerStubs stubs, DemoScript script) {
        this.stubs = stubs;
        this.script = script;
    }

    void greeter(User grace) {
        script.section("GreeterService");
        script.step("GreeterService/SayHello", "name Ada: " + stubs.greeter().sayHello(
                SayHelloRequest.newBuilder().setName("Ada").build()).getMessage());
        script.step("GreeterService/SayHello", "user_id of " + grace.getDisplayName() + ": " + stubs.greeter().sayHello(
                SayHelloRequest.newBuilder().setUserId(grace.getId()).build()).getMessage());
        List<String> added = new ArrayList<>();
        for (String name : List.of("Apples", "Pears", "Plums")) {
            Item item = stubs.greeter().addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName(name).setQuantity(name.length())).build());
            added.add(item.getId());
            script.step("GreeterService/AddItem", item.getQuantity() + " x " + item.getName() + ", id " + item.getId());
        }
        Item first = stubs.greeter().getItem(GetItemRequest.newBuilder().setId(added.get(0)).build());
        script.step("GreeterService/GetItem", "got " + first.getQuantity() + " x " + first.getName());
        String token = "";
        int page = 0;
        List<String> seen = new ArrayList<>();
        do {
            ListItemsResponse response = stubs.greeter().listItems(ListItemsRequest.newBuilder()
                    .setPageSize(100).setPageToken(token).build());
            page++;
            response.getItemsList().forEach(item -> seen.add(item.getId()));
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        DemoScript.check(seen.containsAll(added), "ListItems did not list the items just added");
        script.step("GreeterService/ListItems", seen.size() + " items in " + page + " page(s) of up to 100, the 3 new ones last");
    }
}
