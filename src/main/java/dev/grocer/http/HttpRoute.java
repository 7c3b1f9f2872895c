package dev.grocer.http;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpMethod;
import org.springframework.util.MultiValueMap;

import com.google.api.HttpRule;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import io.grpc.MethodDescriptor;

/**
 * One HTTP binding of one RPC, from its {@code google.api.http} rule (AIP-127): the verb, the path template with
 * the request fields its variables fill, and where the body goes; and the building of the request message from
 * an HTTP request, with protobuf's JSON mapping ({@link JsonFormat}) doing every conversion.
 *
 * <p>Supported: path variables {@code {field.path}} and {@code {field.path=*}} (one segment each), a custom verb
 * ({@code /v1/orders/{id}:cancel}), {@code body: "*"}, {@code body: "<field>"} and no body, additional bindings.
 * Not supported, and refused when the application starts (none of grocer's rules uses them): multi-segment
 * variables ({@code =**}, {@code =users/*}) and {@code response_body}.
 *
 * <p>The request is, in order: the body (at the body field, or the whole request for {@code "*"}); then the query
 * parameters, for fields that neither the path nor the body binds (AIP-127), named by their proto or JSON name,
 * nested with dots ({@code ?update_mask=email}); then the path variables, which win over a value the body gave
 * the same field (as in Google's and grpc-gateway's transcoding).
 */
record HttpRoute(
        HttpMethod verb,
        String template,
        /** The template as a Spring path pattern: variables renamed {@code p0}, {@code p1}, ... */
        String pathPattern,
        List<List<FieldDescriptor>> pathFields,
        /** {@code null}: no body; {@code "*"}: the whole request; else the body field. */
        String body,
        MethodDescriptor<Message, Message> method,
        Message requestPrototype) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}=]+)(?:=([^}]*))?}");
    private static final JsonFormat.Parser JSON = JsonFormat.parser();

    /** The routes of one RPC: its rule and its additional bindings. */
    static List<HttpRoute> of(HttpRule rule, MethodDescriptor<Message, Message> method, Message prototype) {
        List<HttpRoute> routes = new ArrayList<>();
        routes.add(one(rule, method, prototype));
        for (HttpRule additional : rule.getAdditionalBindingsList()) {
            routes.add(one(additional, method, prototype));
        }
        return routes;
    }

    private static HttpRoute one(HttpRule rule, MethodDescriptor<Message, Message> method, Message prototype) {
        String name = method.getFullMethodName();
        if (!rule.getResponseBody().isEmpty()) {
            throw new IllegalStateException(name + ": google.api.http response_body is not supported");
        }
        HttpMethod verb;
        String template;
        switch (rule.getPatternCase()) {
            case GET -> { verb = HttpMethod.GET; template = rule.getGet(); }
            case POST -> { verb = HttpMethod.POST; template = rule.getPost(); }
            case PUT -> { verb = HttpMethod.PUT; template = rule.getPut(); }
            case PATCH -> { verb = HttpMethod.PATCH; template = rule.getPatch(); }
            case DELETE -> { verb = HttpMethod.DELETE; template = rule.getDelete(); }
            case CUSTOM -> { verb = HttpMethod.valueOf(rule.getCustom().getKind()); template = rule.getCustom().getPath(); }
            default -> throw new IllegalStateException(name + ": a google.api.http rule without a pattern");
        }
        Descriptor request = prototype.getDescriptorForType();
        StringBuilder pattern = new StringBuilder();
        List<List<FieldDescriptor>> pathFields = new ArrayList<>();
        Matcher variable = VARIABLE.matcher(template);
        int last = 0;
        while (variable.find()) {
            if (variable.group(2) != null && !variable.group(2).equals("*")) {
                throw new IllegalStateException(name + ": path variable '" + variable.group()
                        + "' binds more than one segment, which is not supported");
            }
            List<FieldDescriptor> path = fieldPath(request, variable.group(1));
            if (path == null || path.get(path.size() - 1).isRepeated()
                    || path.get(path.size() - 1).getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                throw new IllegalStateException(name + ": path variable '" + variable.group(1)
                        + "' is not a singular scalar field of " + request.getFullName());
            }
            pattern.append(template, last, variable.start()).append("{p").append(pathFields.size()).append('}');
            pathFields.add(path);
            last = variable.end();
        }
        pattern.append(template.substring(last));
        String body = rule.getBody().isEmpty() ? null : rule.getBody();
        if (body != null && !body.equals("*")) {
            FieldDescriptor field = request.findFieldByName(body);
            if (field == null || field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                throw new IllegalStateException(name + ": body '" + body + "' is not a message field of "
                        + request.getFullName());
            }
        }
        return new HttpRoute(verb, template, pattern.toString(), List.copyOf(pathFields), body, method, prototype);
    }

    boolean serverStreaming() {
        return method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
    }

    /** Whether the rule takes a request body. */
    boolean hasBody() {
        return body != null;
    }

    /**
     * The request message for an HTTP request to this route. Everything goes through one JSON tree and one
     * {@link JsonFormat} parse, so path and query values get the JSON mapping's conversions and errors.
     *
     * @param pathValues the values of the path variables, {@code p0} ... (decoded)
     * @param query the query parameters (decoded)
     * @param body the body as sent, UTF-8 JSON; empty when there is none
     * @throws BadHttpRequest if the body is not JSON for the message, or a parameter names no field or has a value
     *         the field cannot take
     */
    Message request(Map<String, String> pathValues, MultiValueMap<String, String> query, String body)
            throws BadHttpRequest {
        Message.Builder request = requestPrototype.newBuilderForType();
        JsonObject root = new JsonObject();
        if (!body.isBlank()) {
            JsonElement sent = strictJson(body);
            if ("*".equals(this.body)) {
                if (!sent.isJsonObject()) {
                    throw BadHttpRequest.body(this, "the body must be a JSON object");
                }
                root = sent.getAsJsonObject();
            } else {
                root.add(this.body, sent);
            }
        }
        try {
            for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
                addQueryParameter(root, parameter.getKey(), parameter.getValue());
            }
            for (int i = 0; i < pathFields.size(); i++) {
                put(root, pathFields.get(i), new JsonPrimitive(pathValues.get("p" + i)));
            }
            JSON.merge(root.toString(), request);
            return request.build();
        } catch (InvalidProtocolBufferException | JsonParseException | IllegalStateException e) {
            throw BadHttpRequest.body(this, describe(e));
        }
    }

    /**
     * The body as a JSON tree, read strictly (RFC 8259: no comments, single quotes or unquoted names, one value),
     * where protobuf's own parser would be lenient.
     */
    private JsonElement strictJson(String body) throws BadHttpRequest {
        JsonReader reader = new JsonReader(new StringReader(body));
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement value = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw BadHttpRequest.body(this, "the body holds more than one JSON value");
            }
            return value;
        } catch (JsonParseException | IOException e) {
            throw BadHttpRequest.body(this, describe(e));
        }
    }

    /** The parser's own words, without exception class names or the links Gson appends. */
    private static String describe(Exception error) {
        Throwable innermost = error;
        while (!(innermost instanceof InvalidProtocolBufferException) && innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage() == null ? "unreadable" : innermost.getMessage();
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        return message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
    }

    private void addQueryParameter(JsonObject root, String name, List<String> values) throws BadHttpRequest {
        Descriptor request = requestPrototype.getDescriptorForType();
        List<FieldDescriptor> path = fieldPath(request, name);
        if (path == null) {
            throw BadHttpRequest.parameter(this, name, "'" + name + "' is not a field of " + request.getFullName());
        }
        FieldDescriptor top = path.get(0);
        if ("*".equals(body) || top.getName().equals(body)) {
            throw BadHttpRequest.parameter(this, name, "'" + name + "' goes in the request body, not the query");
        }
        for (List<FieldDescriptor> bound : pathFields) {
            if (bound.equals(path)) {
                throw BadHttpRequest.parameter(this, name, "'" + name + "' is in the path, not the query");
            }
        }
        FieldDescriptor field = path.get(path.size() - 1);
        if (field.isMapField() || (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && !field.getMessageType().getFullName().startsWith("google.protobuf."))) {
            throw BadHttpRequest.parameter(this, name, "'" + name + "' is a message; name one of its fields");
        }
        JsonElement value;
        if (field.isRepeated()) {
            JsonArray array = new JsonArray();
            values.forEach(array::add);
            value = array;
        } else if (values.size() == 1) {
            value = new JsonPrimitive(values.get(0));
        } else {
            throw BadHttpRequest.parameter(this, name, "'" + name + "' takes one value; it was given "
                    + values.size());
        }
        if (!put(root, path, value)) {
            throw BadHttpRequest.parameter(this, name, "'" + name + "' was given more than once");
        }
    }

    /** Sets the value at a field path, making the objects on the way; false if the field had a value already. */
    private static boolean put(JsonObject root, List<FieldDescriptor> path, JsonElement value) {
        JsonObject object = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String key = key(object, path.get(i));
            JsonElement next = object.get(key);
            if (next == null) {
                next = new JsonObject();
                object.add(key, next);
            } else if (!next.isJsonObject()) {
                throw new IllegalStateException("'" + key + "' must be a JSON object");
            }
            object = next.getAsJsonObject();
        }
        FieldDescriptor leaf = path.get(path.size() - 1);
        String key = key(object, leaf);
        boolean fresh = !object.has(key);
        object.add(key, value);
        return fresh;
    }

    /** The key a field already has in the object (proto or JSON name, as sent), else its proto name. */
    private static String key(JsonObject object, FieldDescriptor field) {
        if (!object.has(field.getName()) && object.has(field.getJsonName())) {
            return field.getJsonName();
        }
        return field.getName();
    }

    /** The fields a dotted path names (each by proto or JSON name), or {@code null} if one is unknown. */
    private static List<FieldDescriptor> fieldPath(Descriptor message, String dotted) {
        List<FieldDescriptor> path = new ArrayList<>();
        Descriptor current = message;
        for (String segment : dotted.split("\\.", -1)) {
            if (current == null) {
                return null;
            }
            FieldDescriptor field = current.findFieldByName(segment);
            if (field == null) {
                field = current.getFields().stream().filter(f -> f.getJsonName().equals(segment)).findFirst()
                        .orElse(null);
            }
            if (field == null) {
                return null;
            }
            path.add(field);
            current = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                    ? field.getMessageType() : null;
        }
        return path;
    }
}
