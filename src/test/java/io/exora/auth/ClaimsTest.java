package io.exora.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.exora.auth.TestTokens.USER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaimsTest {

    private static final Instant EXP = Instant.ofEpochSecond(1_900_000_000L);

    private static Map<String, Object> raw(Map<String, Object> appMetadata) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("sub", USER_ID.toString());
        raw.put("role", "authenticated");
        raw.put("aud", "authenticated");
        raw.put("exp", EXP.getEpochSecond());
        raw.put("email", "ada@example.org");
        raw.put("app_metadata", appMetadata);
        raw.put("phone", null);
        return raw;
    }

    @Test
    void toJsonWritesNumbersAsNumbersAndKeepsNesting() throws Exception {
        Claims claims = new Claims(USER_ID, "authenticated", "ada@example.org", EXP, raw(Map.of("provider", "email")));

        JsonNode json = new ObjectMapper().readTree(claims.toJson());

        assertThat(json.get("exp").isIntegralNumber()).isTrue();
        assertThat(json.get("exp").asLong()).isEqualTo(1_900_000_000L);
        assertThat(json.get("app_metadata").get("provider").asText()).isEqualTo("email");
        assertThat(json.get("phone").isNull()).isTrue();
    }

    @Test
    void isAdminOnlyForBooleanTrue() {
        assertThat(claims(Map.of("is_admin", true)).isAdmin()).isTrue();
        assertThat(claims(Map.of("is_admin", false)).isAdmin()).isFalse();
        assertThat(claims(Map.of("is_admin", "true")).isAdmin()).isFalse();
        assertThat(claims(Map.of("is_admin", 1)).isAdmin()).isFalse();
        assertThat(claims(Map.of()).isAdmin()).isFalse();
        assertThat(new Claims(null, "anon", null, EXP, Map.of("role", "anon")).isAdmin()).isFalse();
    }

    @Test
    void rawIsADeepImmutableCopy() {
        Map<String, Object> appMetadata = new HashMap<>(Map.of("is_admin", false));
        List<Object> providers = new ArrayList<>(List.of("email"));
        appMetadata.put("providers", providers);
        Map<String, Object> raw = raw(appMetadata);
        Claims claims = new Claims(USER_ID, "authenticated", "ada@example.org", EXP, raw);

        appMetadata.put("is_admin", true);
        providers.add("github");
        raw.put("role", "service_role");

        assertThat(claims.isAdmin()).isFalse();
        assertThat(claims.raw().get("role")).isEqualTo("authenticated");
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) claims.raw().get("app_metadata");
        assertThat(nested).containsEntry("providers", List.of("email"));
        assertThatThrownBy(() -> claims.raw().put("role", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> nested.put("is_admin", true)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void roleHelpers() {
        assertThat(new Claims(null, "service_role", null, EXP, Map.of()).isServiceRole()).isTrue();
        assertThat(new Claims(null, "anon", null, EXP, Map.of()).isServiceRole()).isFalse();
    }

    @Test
    void refusesInconsistentValues() {
        assertThatThrownBy(() -> new Claims(null, "authenticated", null, EXP, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Claims(USER_ID, "postgres", null, EXP, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Claims(USER_ID, "anon", null, null, Map.of())).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringLeavesOutPersonalData() {
        Claims claims = claims(Map.of("is_admin", true));

        assertThat(claims.toString()).contains(USER_ID.toString()).doesNotContain("ada@example.org", "is_admin");
    }

    private static Claims claims(Map<String, Object> appMetadata) {
        return new Claims(USER_ID, "authenticated", "ada@example.org", EXP, raw(appMetadata));
    }
}
