package dev.grocer.user;

import java.util.function.Consumer;

/**
 * Carries chat messages to the chat room of every replica sharing the store, this one included, in one
 * order for all: the room delivers only what the relay hands it, never its own messages directly.
 */
interface ChatRelay {

    /** Passes {@code message} on to every room; it reaches this replica's room too, through {@link #deliverTo}. */
    void send(ChatMessage message);

    /**
     * Sets the room's delivery and its reset: {@code room} gets every message sent by any replica, one at a
     * time; {@code missed} runs when messages may have been lost on the way to this replica.
     */
    void deliverTo(Consumer<ChatMessage> room, Runnable missed);
}
