package dev.grocer.user;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.grocer.common.DomainException;
import dev.grocer.common.Subscriber;
import dev.grocer.common.Violations;

/**
 * The chat room of ChatStream: every message is delivered to every participant, the sender included,
 * in one order for all. Delivery never waits for a participant: one whose outbox is full is removed
 * and told it was too slow, and the others go on.
 *
 * <p>With several replicas each has a room of its own participants; messages go through the
 * {@link ChatRelay}, which hands every room every message in one order, so the replicas' rooms behave
 * as one. {@code grocer.chat.max-participants} counts this replica's participants.
 */
@Component
public class ChatRoom {

    static final int MAX_SENDER = 50;

    private final Clock clock;
    private final ChatProperties properties;
    private final ChatRelay relay;
    private final Set<Subscriber<ChatMessage>> participants = new LinkedHashSet<>();

    ChatRoom(Clock clock, ChatProperties properties, ChatRelay relay) {
        this.clock = clock;
        this.properties = properties;
        this.relay = relay;
        relay.deliverTo(this::deliver, () -> closeAll(DomainException.unavailable("CHAT_MESSAGES_MISSED",
                "this server lost contact with the other replicas for a moment and may have missed messages;"
                        + " reconnect to continue chatting")));
    }

    /** Lets {@code participant} receive every message from now on. */
    public synchronized void join(Subscriber<ChatMessage> participant) {
        if (participants.size() >= properties.maxParticipants()) {
            throw DomainException.resourceExhausted("CHAT_ROOM_FULL",
                    "the chat room is full (" + properties.maxParticipants() + " participants); try again later",
                    Map.of("max_participants", Integer.toString(properties.maxParticipants())));
        }
        participants.add(participant);
    }

    /** Stops delivering to {@code participant}; it may already be gone. */
    public synchronized void leave(Subscriber<ChatMessage> participant) {
        participants.remove(participant);
    }

    /** How many participants are connected. */
    public synchronized int size() {
        return participants.size();
    }

    /**
     * Validates a message and sends it to every participant, on every replica.
     *
     * @throws DomainException INVALID_ARGUMENT for a bad sender or text
     */
    public ChatMessage publish(String sender, String text) {
        ChatMessage message = validate(sender, text);
        relay.send(message);
        return message;
    }

    // Called by the relay, one message at a time, in the order every replica's room gets them.
    private void deliver(ChatMessage message) {
        List<Subscriber<ChatMessage>> recipients;
        List<Subscriber<ChatMessage>> tooSlow = new ArrayList<>();
        // Queue under the lock so all participants see messages in one order; send outside it.
        synchronized (this) {
            for (Subscriber<ChatMessage> p : participants) {
                if (!p.offer(message)) {
                    tooSlow.add(p);
                }
            }
            tooSlow.forEach(participants::remove);
            recipients = List.copyOf(participants);
        }
        for (Subscriber<ChatMessage> p : tooSlow) {
            p.close(DomainException.resourceExhausted("CHAT_PARTICIPANT_TOO_SLOW",
                    "you were disconnected from the chat because you read messages more slowly than they arrived ("
                            + properties.outboxCapacity() + " were waiting); reconnect to continue",
                    Map.of("outbox_capacity", Integer.toString(properties.outboxCapacity()))));
        }
        recipients.forEach(Subscriber::flush);
    }

    /** Disconnects everyone, e.g. when the server shuts down. */
    public void closeAll(DomainException reason) {
        List<Subscriber<ChatMessage>> all;
        synchronized (this) {
            all = List.copyOf(participants);
            participants.clear();
        }
        all.forEach(p -> p.close(reason));
    }

    private ChatMessage validate(String sender, String text) {
        Violations violations = new Violations();
        String who = violations.singleLine(sender, "sender", MAX_SENDER);
        String what = text == null ? "" : text;
        int whatLength = what.codePointCount(0, what.length());
        if (violations.check(!what.isBlank() && whatLength <= properties.maxMessageLength(), "text",
                "must be 1 to " + properties.maxMessageLength() + " characters and not blank, was " + whatLength)) {
            violations.check(what.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\n'), "text",
                    "must not contain control characters other than line breaks (\\n)");
        }
        violations.throwIfAny();
        return new ChatMessage(who, what, clock.instant());
    }
}
