package io.exora.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The verified claims of a Supabase-compatible access token.
 *
 * @param userId    the {@code sub} claim; null only for {@code anon} and {@code service_role}
 *                  tokens without a subject (Supabase's anon and service keys have none)
 * @param role      {@code anon}, {@code authenticated} or {@code service_role}; this becomes the
 *                  Postgres role the request runs as
 * @param email     the {@code email} claim, or null when the token has none
 * @param expiresAt the {@code exp} claim
 * @param raw       every claim exactly as it appeared in the token's payload (an immutable deep
 *                  copy); row level security policies read it through {@code auth.jwt()}
 */
public record Claims(UUID userId, String role, String email, Instant expiresAt, Map<String, Object> raw) {

    public static final String ROLE_ANON = "anon";
    public static final String ROLE_AUTHENTICATED = "authenticated";
    public static final String ROLE_SERVICE = "service_role";

    /** The only roles a token may ask for; each is a Postgres role the request switches to. */
    public static final Set<String> ROLES = Set.of(ROLE_ANON, ROLE_AUTHENTICATED, ROLE_SERVICE);

    private static final ObjectMapper JSON = new ObjectMapper();

    public Claims {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(raw, "raw");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role: " + role);
        }
        if (userId == null && ROLE_AUTHENTICATED.equals(role)) {
            throw new IllegalArgumentException("an authenticated token must name a user");
        }
        raw = freezeMap(raw);
    }

    /** True for the service role, which bypasses row level security. */
    public boolean isServiceRole() {
        return ROLE_SERVICE.equals(role);
    }

    /** True when {@code app_metadata.is_admin} is the JSON boolean {@code true} (not "true", not 1). */
    public boolean isAdmin() {
        return raw.get("app_metadata") instanceof Map<?, ?> appMetadata
                && Boolean.TRUE.equals(appMetadata.get("is_admin"));
    }

    /**
     * The full claim set as a JSON object, for
     * {@code set_config('request.jwt.claims', json, true)}. Numbers stay numbers, nested objects
     * stay objects, so {@code (auth.jwt() ->> 'exp')::bigint} and friends work as on Supabase.
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(raw);
        } catch (JsonProcessingException e) {
            // Cannot happen for values that came out of a JSON parser.
            throw new IllegalStateException("claims cannot be written as JSON", e);
        }
    }

    /** Leaves out the email and the raw claims so that logging a Claims does not log personal data. */
    @Override
    public String toString() {
        return "Claims[userId=" + userId + ", role=" + role + ", expiresAt=" + expiresAt + "]";
    }

    private static Map<String, Object> freezeMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), freeze(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            return freezeMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(freeze(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
