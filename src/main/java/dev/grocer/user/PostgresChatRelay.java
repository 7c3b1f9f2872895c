package dev.grocer.user;

import java.time.Instant;
import java.util.function.Consumer;

import dev.grocer.store.PostgresNotifications;

/**
 * The relay between replicas: each message is one PostgreSQL notification on {@code grocer_chat}, which
 * every replica's room receives in the same (commit) order, the sender's own included.
 *
 * <p>A notification carries at most {@link PostgresNotifications#MAX_PAYLOAD_BYTES}, so
 * {@code grocer.chat.max-message-length} is limited to {@value #MAX_MESSAGE_LENGTH} characters with this store
 * (four UTF-8 bytes each at worst, JSON-escaped line breaks two); a larger setting stops start-up.
 */
class PostgresChatRelay implements ChatRelay {

    static final String CHANNEL = "grocer_chat";
    static final int MAX_MESSAGE_LENGTH = 1_800;

    private final PostgresNotifications notifications;

    PostgresChatRelay(PostgresNotifications notifications, ChatProperties properties) {
        if (properties.maxMessageLength() > MAX_MESSAGE_LENGTH) {
            throw new IllegalStateException("grocer.chat.max-message-length=" + properties.maxMessageLength()
                    + " is over " + MAX_MESSAGE_LENGTH + ", the most grocer.store=postgres can carry between replicas"
                    + " (one PostgreSQL notification per message); set it to " + MAX_MESSAGE_LENGTH + " or less");
        }
        this.notifications = notifications;
    }

    @Override
    public void send(ChatMessage message) {
        notifications.send(CHANNEL, new Wire(message.sender(), message.text(), message.sendTime().toString()));
    }

    @Override
    public void deliverTo(Consumer<ChatMessage> room, Runnable missed) {
        notifications.listen(CHANNEL, Wire.class,
                wire -> room.accept(new ChatMessage(wire.sender(), wire.text(), Instant.parse(wire.sendTime()))),
                missed);
    }

    /** A message as it travels: short names, the send time as ISO-8601 (nanosecond precision kept). */
    record Wire(String sender, String text, String sendTime) {}
}
