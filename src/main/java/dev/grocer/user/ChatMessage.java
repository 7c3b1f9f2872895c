package dev.grocer.user;

import java.time.Instant;

/**
 * One message said in the chat room.
 *
 * @param sender who said it
 * @param text what was said
 * @param sendTime when the server received it
 */
public record ChatMessage(String sender, String text, Instant sendTime) {}
