package io.exora.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.exora.auth.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenIssuerTest {

    private static final String ISSUER = "https://health.example.org/auth/v1";

    private final TokenIssuer issuer = new TokenIssuer(SECRET, ISSUER, CLOCK);

    @Test
    void userTokenCarriesSupabaseClaims() throws Exception {
        SignedJWT jwt = SignedJWT.parse(issuer.issueUserToken(USER_ID, "ada@example.org", Map.of("is_admin", true)));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getSubject()).isEqualTo(USER_ID.toString());
        assertThat(claims.getAudience()).containsExactly("authenticated");
        assertThat(claims.getStringClaim("role")).isEqualTo("authenticated");
        assertThat(claims.getStringClaim("email")).isEqualTo("ada@example.org");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(claims.getJSONObjectClaim("app_metadata"))
                .containsEntry("provider", "email")
                .containsEntry("providers", List.of("email"))
                .containsEntry("is_admin", true);
        assertThat(claims.getJSONObjectClaim("user_metadata")).isEmpty();
        assertThat(claims.getStringClaim("aal")).isEqualTo("aal1");
        assertThat(claims.getBooleanClaim("is_anonymous")).isFalse();
        assertThat(UUID.fromString(claims.getStringClaim("session_id"))).isNotNull();
    }

    @Test
    void everyTokenGetsItsOwnSession() throws Exception {
        String first = SignedJWT.parse(issuer.issueUserToken(USER_ID, "a@b.c", Map.of())).getJWTClaimsSet().getStringClaim("session_id");
        String second = SignedJWT.parse(issuer.issueUserToken(USER_ID, "a@b.c", Map.of())).getJWTClaimsSet().getStringClaim("session_id");

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void appMetadataMayOverrideTheProvider() throws Exception {
        Map<String, Object> appMetadata = new HashMap<>();
        appMetadata.put("provider", "github");

        JWTClaimsSet claims = SignedJWT.parse(issuer.issueUserToken(USER_ID, null, appMetadata)).getJWTClaimsSet();

        assertThat(claims.getJSONObjectClaim("app_metadata")).containsEntry("provider", "github");
        assertThat(claims.getClaims()).doesNotContainKey("email");
    }

    @Test
    void nullAppMetadataMeansDefaultsOnly() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(issuer.issueUserToken(USER_ID, "a@b.c", null)).getJWTClaimsSet();

        assertThat(claims.getJSONObjectClaim("app_metadata")).containsOnlyKeys("provider", "providers");
    }

    @Test
    void lifetimeIsConfigurable() throws Exception {
        TokenIssuer shortLived = new TokenIssuer(SECRET, ISSUER, Duration.ofMinutes(15), CLOCK);

        JWTClaimsSet claims = SignedJWT.parse(shortLived.issueUserToken(USER_ID, "a@b.c", Map.of())).getJWTClaimsSet();

        assertThat(shortLived.lifetime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(issuer.lifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
    }

    @Test
    void timesAreWholeSeconds() throws Exception {
        TokenIssuer midSecond = new TokenIssuer(SECRET, ISSUER, InstantSource.fixed(NOW.plusMillis(999)));

        JWTClaimsSet claims = SignedJWT.parse(midSecond.issueUserToken(USER_ID, "a@b.c", Map.of())).getJWTClaimsSet();

        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
    }

    @Test
    void serviceTokenLooksLikeSupabasesServiceKey() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(issuer.issueServiceToken(Duration.ofDays(30))).getJWTClaimsSet();

        assertThat(claims.getStringClaim("role")).isEqualTo("service_role");
        assertThat(claims.getSubject()).isNull();
        assertThat(claims.getClaims()).doesNotContainKey("aud");
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
    }

    @Test
    void usesTheInjectedClock() throws Exception {
        Instant later = NOW.plus(Duration.ofDays(2));
        TokenIssuer laterIssuer = new TokenIssuer(SECRET, ISSUER, InstantSource.fixed(later));

        JWTClaimsSet claims = SignedJWT.parse(laterIssuer.issueServiceToken(Duration.ofMinutes(1))).getJWTClaimsSet();

        assertThat(claims.getIssueTime().toInstant()).isEqualTo(later);
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new TokenIssuer(new byte[16], ISSUER, CLOCK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenIssuer(SECRET, ISSUER, Duration.ZERO, CLOCK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenIssuer(SECRET, ISSUER, Duration.ofMinutes(-5), CLOCK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> issuer.issueServiceToken(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> issuer.issueUserToken(null, "a@b.c", Map.of())).isInstanceOf(NullPointerException.class);
    }

    @Test
    void callerCannotChangeTheSecretAfterwards() {
        byte[] secret = SECRET.clone();
        TokenIssuer ownCopy = new TokenIssuer(secret, ISSUER, CLOCK);
        java.util.Arrays.fill(secret, (byte) 0);

        try (TokenVerifier verifier = new TokenVerifier(SECRET, null, CLOCK)) {
            assertThat(verifier.verify(bearer(ownCopy.issueUserToken(USER_ID, "a@b.c", Map.of()))).userId()).isEqualTo(USER_ID);
        }
    }
}
