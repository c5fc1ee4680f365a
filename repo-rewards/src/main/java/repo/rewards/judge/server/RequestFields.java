package repo.rewards.judge.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import repo.core.generate.SamplingParams;
import repo.core.text.Message;

/**
 * The fields of an OpenAI request, validated: every value that cannot be used is a 400 that names its parameter and
 * the allowed range, before the prompt is tokenised or anything reaches the model.
 */
final class RequestFields {
    /** Strict JSON: trailing content after the object and duplicate keys are errors. */
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Temperatures below this sample greedily (as vLLM does); above it, logits / T stays finite in fp32. */
    static final double GREEDY_BELOW = 1e-5;
    /** top_p below this keeps only the most likely token, like this value does. */
    static final double MIN_TOP_P = 1e-6;

    private RequestFields() {
    }

    /** The body as a JSON object. */
    static ObjectNode object(byte[] body) {
        JsonNode n;
        try {
            n = STRICT.readTree(body);
        } catch (IOException e) {
            String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw ApiError.bad("request body is not valid JSON: " + HttpWire.forLog(first));
        }
        if (n == null || !n.isObject()) {
            throw ApiError.bad("request body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    /** Sampling parameters (the caller checks {@code model}). */
    static SamplingParams sampling(ObjectNode req, int defaultMaxTokens) {
        JsonNode stream = req.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw ApiError.badParam("stream", "'stream' must be true or false, got " + brief(stream));
        }
        if (stream != null && stream.asBoolean(false)) {
            throw ApiError.badParam("stream", "stream=true is not supported by repo serve; send stream=false");
        }
        JsonNode n = req.get("n");
        if (n != null && !n.isNull() && (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() != 1)) {
            throw ApiError.badParam("n", "'n' must be the integer 1 (only n=1 is supported), got " + brief(n));
        }
        int maxTokens = defaultMaxTokens;
        for (String key : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = req.get(key);
            if (v != null && !v.isNull()) {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                    throw ApiError.badParam(key, "'" + key + "' must be an integer in [1, " + Integer.MAX_VALUE + "], got " + brief(v));
                }
                maxTokens = v.asInt();
            }
        }
        double temperature = number(req, "temperature", 1.0, 0, 2);
        double topP = number(req, "top_p", 1.0, 0, 1);
        if (topP <= 0) {
            throw ApiError.badParam("top_p", "'top_p' must be in (0, 1], got " + topP);
        }
        topP = Math.max(topP, MIN_TOP_P);
        int topK = 0;
        JsonNode k = req.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || !k.canConvertToInt() || k.asInt() < -1) {
                throw ApiError.badParam("top_k", "'top_k' must be an integer >= -1 (-1 or 0 disables it), got " + brief(k));
            }
            topK = Math.max(0, k.asInt());
        }
        long seed;
        JsonNode s = req.get("seed");
        if (s == null || s.isNull()) {
            seed = ThreadLocalRandom.current().nextLong();
        } else if (s.isIntegralNumber() && s.canConvertToLong()) {
            seed = s.asLong();
        } else {
            throw ApiError.badParam("seed", "'seed' must be a 64-bit integer, got " + brief(s));
        }
        List<String> stops = stops(req.get("stop"));
        boolean greedy = temperature < GREEDY_BELOW;
        JsonNode stopIds = req.get("stop_token_ids");
        Set<Long> stopTokens = new HashSet<>(SamplingParams.QWEN_STOP_IDS); // vLLM adds them to the EOS
        if (stopIds != null && !stopIds.isNull()) {
            for (long id : tokenIds(stopIds, "stop_token_ids", Integer.MAX_VALUE)) {
                stopTokens.add(id);
            }
        }
        return new SamplingParams(maxTokens, greedy, greedy ? 1f : (float) temperature, (float) topP, topK, seed,
                stopTokens, stops);
    }

    private static double number(ObjectNode req, String key, double dflt, double lo, double hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !(v.asDouble() >= lo && v.asDouble() <= hi)) {
            throw ApiError.badParam(key, "'" + key + "' must be a number in [" + lo + ", " + hi + "], got " + brief(v));
        }
        return v.asDouble();
    }

    /** A list of token ids in [0, vocab), at most 1M of them. */
    static long[] tokenIds(JsonNode v, String param, int vocab) {
        if (!v.isArray() || v.isEmpty() || v.size() > (1 << 20)) {
            throw ApiError.badParam(param, "'" + param + "' must be a non-empty list of token ids, got " + brief(v));
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode t = v.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0 || t.asLong() >= vocab) {
                throw ApiError.badParam(param, "'" + param + "'[" + i + "] must be a token id in [0, " + vocab + "), got " + brief(t));
            }
            out[i] = t.asLong();
        }
        return out;
    }

    /** {@code logprobs} of a completion: absent, null or false for none, 0 (or true) for the sampled tokens' log-probs. */
    static boolean logprobs(ObjectNode req) {
        JsonNode v = req.get("logprobs");
        if (v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())) {
            return false;
        }
        if ((v.isIntegralNumber() && v.asLong() == 0) || (v.isBoolean() && v.asBoolean())) {
            return true;
        }
        throw ApiError.badParam("logprobs", "'logprobs' must be 0 (each sampled token's log-prob; top alternatives are not "
                + "supported), got " + brief(v));
    }

    /** An optional boolean field, false when absent. */
    static boolean flag(ObjectNode req, String key) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.badParam(key, "'" + key + "' must be true or false, got " + brief(v));
        }
        return v.asBoolean();
    }

    static List<String> stops(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray() && v.size() <= 16) {
            for (JsonNode s : v) {
                if (!s.isTextual()) {
                    throw ApiError.badParam("stop", "'stop' must be a string or a list of at most 16 strings, got " + brief(v));
                }
                out.add(s.asText());
            }
        } else {
            throw ApiError.badParam("stop", "'stop' must be a string or a list of at most 16 strings, got " + brief(v));
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiError.badParam("stop", "'stop' strings must not be empty");
        }
        return out;
    }

    static boolean enableThinking(ObjectNode req) {
        JsonNode v = req.path("chat_template_kwargs").get("enable_thinking");
        if (v == null) {
            v = req.get("enable_thinking");
        }
        if (v == null || v.isNull()) {
            return false; // thinking off unless asked for: replies are what the policy says, not its reasoning
        }
        if (!v.isBoolean()) {
            throw ApiError.badParam("enable_thinking", "'enable_thinking' must be true or false, got " + brief(v));
        }
        return v.asBoolean();
    }

    static List<Message> messages(JsonNode v) {
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw ApiError.badParam("messages", "'messages' must be a non-empty list of {\"role\", \"content\"}");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiError.badParam("messages", where + " must be an object");
            }
            Message.Role role;
            try {
                role = Message.Role.fromJsonName(m.path("role").asText(""));
            } catch (IllegalArgumentException e) {
                throw ApiError.badParam("messages", where + ".role: " + HttpWire.forLog(e.getMessage()));
            }
            String content = content(m.get("content"), where);
            JsonNode r = m.get("reasoning_content");
            try {
                out.add(new Message(role, content, r == null || r.isNull() ? null : r.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badParam("messages", where + ": " + HttpWire.forLog(e.getMessage()));
            }
        }
        return out;
    }

    /** A string, or OpenAI's list of content parts of which only {@code {"type": "text"}} is supported. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badParam("messages", where + ".content: only text parts {\"type\": \"text\", \"text\": ...} are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.badParam("messages", where + ".content must be a string or a list of text parts");
    }

    /** A client value quoted in an error: short and printable. */
    static String brief(JsonNode v) {
        String s = v.toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
