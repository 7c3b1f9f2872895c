package dev.grocer.grpc.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;

/**
 * Makes the request messages of the bad-input suite, as raw bytes, from a method's request descriptor:
 * <ul>
 * <li>a valid request (from a template) with one to three fields replaced by adversarial values;</li>
 * <li>a request with every field random: empty, huge, control characters, lone surrogates, negative and
 *     extreme numbers, unknown enum values, bogus ids, page tokens and field-mask paths;</li>
 * <li>byte-level damage: unknown fields appended, a string field whose bytes are not UTF-8, an int32
 *     field sent as a 64-bit varint, a truncated message, and bytes that are not protobuf at all.</li>
 * </ul>
 * Strings come from jqwik's generators; ids and page tokens partly from {@link Pools}, what exists in
 * the store, so that requests also reach the rules behind "not found".
 */
final class RequestFuzzer {

    /** What exists in the store right now: ids and tokens a request may name. */
    interface Pools {
        /** Ids of users, orders and items that exist (any kind: an order id in GetUser is bad input too). */
        List<String> ids();

        /** Page tokens the listings issued. */
        List<String> pageTokens();
    }

    private static final int GEN_SIZE = 1000;
    private static final List<String> EDGE_STRINGS = List.of("", " ", "\u0000", "\t\n\r", "\u202e", "\ufeff", "\ud800",
            "\udfff", "😀", "Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍", "a".repeat(100), "a".repeat(101), "%s%n%x", "../../etc/passwd",
            "<script>alert(1)</script>", "' OR 1=1 --", "null", "NaN", "-1", "9".repeat(40), "{\"a\":1}",
            "*", "..", "user.display_name", "\u0085", "\u2028", "\u0007bell", " Ada ", "ada@", "@example.com");
    private static final List<String> MASK_PATHS = List.of("display_name", "email", "displayName", "*", "id",
            "etag", "create_time", "update_time", "", "display_name.x", "user.display_name", "DISPLAY_NAME",
            "email,display_name", " email");
    private static final List<String> CURRENCIES = List.of("EUR", "USD", "JPY", "eur", "EURO", "E", "");
    private static final int[] EDGE_INTS = {0, 1, -1, 2, 3, 5, 6, 50, 99, 100, 101, 999, 1000, 1001, 9_999, 10_000,
            10_001, 999_999, 1_000_000, 1_000_001, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1,
            -100, 999_999_999, 1_000_000_000, -999_999_999};
    private static final long[] EDGE_LONGS = {0, 1, -1, 2, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2,
            Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L, 922_337_203_685L, -922_337_203_685L,
            1L << 53, 999_999_999_999L};

    private final RandomGenerator<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(300).generator(GEN_SIZE);
    private final RandomGenerator<String> controls =
            Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars('\u007f', '\u0085', '\u2028')
                    .ofMinLength(1).ofMaxLength(40).generator(GEN_SIZE);
    private final RandomGenerator<String> words = Arbitraries.strings().alpha().numeric().withChars(' ', '-', '.')
            .ofMinLength(1).ofMaxLength(30).generator(GEN_SIZE);
    private final RandomGenerator<Integer> hugeLength = Arbitraries.integers().between(1_000, 300_000)
            .generator(GEN_SIZE);
    private final Pools pools;

    RequestFuzzer(Pools pools) {
        this.pools = pools;
    }

    /**
     * The request messages of one call.
     *
     * @param template a valid request, made fresh from the current pools
     * @param clientStreams whether the method takes a stream of requests (else one, mostly)
     */
    Arbitrary<List<byte[]>> requests(Supplier<? extends Message> template, boolean clientStreams) {
        return Arbitraries.randomValue(random -> {
            int count;
            if (clientStreams) {
                int roll = random.nextInt(20);
                // now and then more than the test limit of CreateUsers (5): BATCH_TOO_LARGE
                count = roll < 2 ? 0 : roll == 2 ? 6 + random.nextInt(3) : 1 + random.nextInt(4);
            } else {
                int roll = random.nextInt(40);
                count = roll == 0 ? 0 : roll == 1 ? 2 : 1; // a unary call with no request, or two
            }
            List<byte[]> messages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                messages.add(message(template.get(), random));
            }
            return messages;
        });
    }

    private byte[] message(Message template, Random random) {
        int roll = random.nextInt(100);
        if (roll < 6) {
            return garbage(random);
        }
        Message message = roll < 55 ? mutate(template, random) : randomMessage(template.getDescriptorForType(), random, 0);
        byte[] bytes = message.toByteArray();
        roll = random.nextInt(100);
        if (roll < 4 && bytes.length > 1) {
            return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated
        }
        if (roll < 18) {
            return concat(bytes, unknownFields(random));
        }
        if (roll < 26) {
            return concat(bytes, invalidUtf8(template.getDescriptorForType(), random));
        }
        if (roll < 32) {
            return concat(bytes, overflowingVarint(template.getDescriptorForType(), random));
        }
        return bytes;
    }

    /** Bytes with no particular structure; most do not parse as any message. */
    private static byte[] garbage(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        if (random.nextBoolean()) {
            bytes[0] = 0; // tag 0: never valid
        }
        return bytes;
    }

    /** The template with one to three fields, at any depth, replaced by adversarial values. */
    private Message mutate(Message template, Random random) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(template);
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            mutateOne(builder, random, 0);
        }
        return builder.build();
    }

    private void mutateOne(DynamicMessage.Builder builder, Random random, int depth) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        if (fields.isEmpty()) {
            return;
        }
        FieldDescriptor field = fields.get(random.nextInt(fields.size()));
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                && builder.hasField(field) && depth < 4 && random.nextInt(3) > 0) {
            DynamicMessage.Builder nested = DynamicMessage.newBuilder((Message) builder.getField(field));
            mutateOne(nested, random, depth + 1);
            builder.setField(field, nested.build());
            return;
        }
        if (random.nextInt(5) == 0) {
            builder.clearField(field);
            return;
        }
        setRandom(builder, field, random, depth);
    }

    private Message randomMessage(Descriptor type, Random random, int depth) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(10) < 6) {
                setRandom(builder, field, random, depth);
            }
        }
        return builder.build();
    }

    private void setRandom(DynamicMessage.Builder builder, FieldDescriptor field, Random random, int depth) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= 4) {
            return;
        }
        if (field.isRepeated()) {
            builder.clearField(field);
            int count = random.nextInt(20) == 0 ? 100 + random.nextInt(50) : random.nextInt(4);
            for (int i = 0; i < count; i++) {
                builder.addRepeatedField(field, value(field, random, depth));
            }
        } else {
            builder.setField(field, value(field, random, depth));
        }
    }

    private Object value(FieldDescriptor field, Random random, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> string(field.getName(), random);
            case INT -> field.getName().equals("nanos") && random.nextBoolean()
                    ? random.nextInt(2_000_000_000) - 1_000_000_000 : anInt(random);
            case LONG -> random.nextInt(3) == 0 ? random.nextLong() : EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
            case BOOLEAN -> random.nextBoolean();
            case DOUBLE -> List.of(Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 1e308, random.nextDouble())
                    .get(random.nextInt(5));
            case FLOAT -> List.of(Float.NaN, Float.POSITIVE_INFINITY, -1f, random.nextFloat()).get(random.nextInt(4));
            case BYTE_STRING -> com.google.protobuf.ByteString.copyFrom(garbage(random));
            case ENUM -> enumValue(field.getEnumType(), random);
            case MESSAGE -> randomMessage(field.getMessageType(), random, depth + 1);
        };
    }

    private static Object enumValue(EnumDescriptor type, Random random) {
        if (random.nextBoolean()) {
            return type.getValues().get(random.nextInt(type.getValues().size()));
        }
        int number = random.nextBoolean() ? type.getValues().size() + random.nextInt(10) : anInt(random);
        return type.findValueByNumberCreatingIfUnknown(number); // proto3 enums are open: unknown numbers pass
    }

    private static int anInt(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextInt(21);
            default -> EDGE_INTS[random.nextInt(EDGE_INTS.length)];
        };
    }

    private String string(String fieldName, Random random) {
        String name = fieldName.toLowerCase(Locale.ROOT);
        if (random.nextInt(10) < 4) {
            return adversarial(random);
        }
        if (name.equals("id") || name.endsWith("_id") && !name.equals("request_id")) {
            return switch (random.nextInt(4)) {
                case 0, 1 -> pools.ids().isEmpty() ? UUID.randomUUID().toString()
                        : pools.ids().get(random.nextInt(pools.ids().size()));
                case 2 -> UUID.randomUUID().toString();
                default -> "0190a0b0-0000-7000-8000-" + String.format(Locale.ROOT, "%012x", random.nextLong() >>> 16);
            };
        }
        if (name.equals("page_token")) {
            List<String> tokens = pools.pageTokens();
            String token = tokens.isEmpty() ? "" : tokens.get(random.nextInt(tokens.size()));
            return switch (random.nextInt(4)) {
                case 0 -> token;
                case 1 -> token.isEmpty() ? "x" : tamper(token, random); // a changed character
                case 2 -> java.util.Base64.getUrlEncoder().encodeToString(
                        ("grocer.v1\n" + words.next(random).value() + "\n" + UUID.randomUUID()).getBytes(
                                java.nio.charset.StandardCharsets.UTF_8));
                default -> words.next(random).value();
            };
        }
        if (name.equals("paths")) {
            return MASK_PATHS.get(random.nextInt(MASK_PATHS.size()));
        }
        if (name.equals("email")) {
            return random.nextInt(3) == 0 ? words.next(random).value()
                    : "fuzz-" + Long.toString(random.nextLong() >>> 1, 36) + "@example.com";
        }
        if (name.equals("request_id")) {
            return random.nextBoolean() ? UUID.randomUUID().toString()
                    : new UUID(0, random.nextInt(5)).toString(); // a few repeat: idempotent retries
        }
        if (name.equals("currency_code")) {
            return CURRENCIES.get(random.nextInt(CURRENCIES.size()));
        }
        if (name.equals("etag")) {
            return Long.toString(random.nextInt(200), 36);
        }
        return words.next(random).value();
    }

    private String adversarial(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> EDGE_STRINGS.get(random.nextInt(EDGE_STRINGS.size()));
            case 1 -> controls.next(random).value();
            case 2 -> random.nextInt(4) == 0 ? String.valueOf((char) ('a' + random.nextInt(26)))
                    .repeat(hugeLength.next(random).value()) : anyUnicode.next(random).value();
            default -> anyUnicode.next(random).value();
        };
    }

    private static String tamper(String token, Random random) {
        char[] chars = token.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    /** Fields no grocer message has (numbers 1000 and up), of every wire type. */
    private static byte[] unknownFields(Random random) {
        return write(out -> {
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                int number = 1000 + random.nextInt(100_000);
                switch (random.nextInt(4)) {
                    case 0 -> out.writeInt64(number, random.nextLong());
                    case 1 -> out.writeFixed32(number, random.nextInt());
                    case 2 -> out.writeFixed64(number, random.nextLong());
                    default -> {
                        byte[] payload = new byte[random.nextInt(32)];
                        random.nextBytes(payload);
                        out.writeByteArray(number, payload);
                    }
                }
            }
        });
    }

    /** A top-level string field again (the last occurrence wins), with bytes that are not UTF-8. */
    private static byte[] invalidUtf8(Descriptor type, Random random) {
        List<FieldDescriptor> strings = type.getFields().stream()
                .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.STRING).toList();
        List<FieldDescriptor> messages = type.getFields().stream()
                .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE).toList();
        byte[][] bad = {{(byte) 0xc3, 0x28}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {'a', (byte) 0x80, 'b'}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        byte[] invalid = bad[random.nextInt(bad.length)];
        if (!strings.isEmpty() && (messages.isEmpty() || random.nextBoolean())) {
            FieldDescriptor field = strings.get(random.nextInt(strings.size()));
            return write(out -> out.writeByteArray(field.getNumber(), invalid));
        }
        if (messages.isEmpty()) {
            return new byte[0];
        }
        FieldDescriptor field = messages.get(random.nextInt(messages.size()));
        byte[] nested = invalidUtf8(field.getMessageType(), random);
        return write(out -> out.writeByteArray(field.getNumber(), nested));
    }

    /** An int32 field written as a varint beyond 32 bits; protobuf keeps the low 32 bits. */
    private static byte[] overflowingVarint(Descriptor type, Random random) {
        List<FieldDescriptor> ints = type.getFields().stream()
                .filter(f -> f.getType() == FieldDescriptor.Type.INT32 && !f.isRepeated()).toList();
        if (ints.isEmpty()) {
            return new byte[0];
        }
        FieldDescriptor field = ints.get(random.nextInt(ints.size()));
        long value = random.nextBoolean() ? (1L << 32) + random.nextInt(1000) : random.nextLong();
        return write(out -> {
            out.writeTag(field.getNumber(), WireFormat.WIRETYPE_VARINT);
            out.writeUInt64NoTag(value);
        });
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
