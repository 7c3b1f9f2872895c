package dev.grocer.user;

import java.util.function.Consumer;

/** The relay of the memory store: one process, so a message goes straight to the room, on the sender's thread. */
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
