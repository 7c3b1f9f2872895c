package dev.grocer.user;

import java.util.function.Consumer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** The relay of the memory store: one process, so a message goes straight to the room, on the sender's thread. */
@Component
@ConditionalOnProperty(name = "grocer.store", havingValue = "memory", matchIfMissing = true)
class LocalChatRelay implements ChatRelay {

    private volatile Consumer<ChatMessage> room = message -> {};

    @Override
    public void send(ChatMessage message) {
        room.accept(message);
    }

    @Override
    public void deliverTo(Consumer<ChatMessage> room, Runnable missed) {
        this.room = room;
    }
}
