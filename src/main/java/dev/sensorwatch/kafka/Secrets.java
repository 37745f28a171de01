package dev.sensorwatch.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which Kafka client settings hold secrets (passwords, JAAS configurations, tokens, keys) and
 * removes their values from text meant for people: log lines and error messages.
 */
public final class Secrets {

    /** What a hidden value is replaced with. */
    public static final String HIDDEN = "[hidden]";

    /** {@code password="…"} and similar options inside a JAAS configuration. */
    private static final Pattern JAAS_OPTION = Pattern.compile("=\\s*\"([^\"]*)\"");

    private Secrets() {
    }

    /**
     * Whether the value of the setting {@code key} must not be shown.
     *
     * @param key a Kafka client setting, e.g. {@code sasl.jaas.config}
     * @return true for keys that name a password, JAAS configuration, secret, token, credential or key
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key") || k.contains("credential");
    }

    /**
     * {@code text} with every value of a secret setting in {@code settings} replaced by {@link #HIDDEN},
     * and, for JAAS configurations, also each quoted option value (the password on its own).
     *
     * @param text     a message that might quote a setting, e.g. from an exception
     * @param settings the client settings in use
     * @return the message without secret values; {@code null} stays {@code null}
     */
    public static String redact(String text, Map<?, ?> settings) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Map.Entry<?, ?> entry : settings.entrySet()) {
            if (!isSecret(String.valueOf(entry.getKey())) || entry.getValue() == null) {
                continue;
            }
            String value = String.valueOf(entry.getValue());
            Matcher options = JAAS_OPTION.matcher(value);
            while (options.find()) {
                if (!options.group(1).isEmpty()) {
                    result = result.replace(options.group(1), HIDDEN);
                }
            }
            if (!value.isBlank()) {
                result = result.replace(value, HIDDEN);
            }
        }
        return result;
    }
}
