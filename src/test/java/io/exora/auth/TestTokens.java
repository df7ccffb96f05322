package io.exora.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builds tokens for tests, including ones Exora would never issue. */
final class TestTokens {

    static final byte[] SECRET = "exora-test-secret-exora-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_SECRET = "another-secret-another-secret-another-secret-!".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2025-03-14T09:26:53Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);
    static final UUID USER_ID = UUID.fromString("5f0c6f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f");

    private TestTokens() {
    }

    /** Claims of a valid user token at {@link #NOW}, ready to be broken by a test. */
    static JWTClaimsSet.Builder userClaims() {
        return new JWTClaimsSet.Builder()
                .issuer("https://exora.test/auth/v1")
                .subject(USER_ID.toString())
                .audience("authenticated")
                .claim("role", "authenticated")
                .claim("email", "ada@example.org")
                .issueTime(date(NOW))
                .expirationTime(date(NOW.plus(Duration.ofHours(1))));
    }

    static String hs256(JWTClaimsSet claims) {
        return hs256(claims, SECRET);
    }

    static String hs256(JWTClaimsSet claims, byte[] secret) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Base64url without padding, as JWS uses it. */
    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String payloadJson(JWTClaimsSet claims) {
        return claims.toString();
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static Date date(Instant instant) {
        return Date.from(instant);
    }

    /** Asserts an AuthException with {@code code} whose message does not leak {@code secretText}. */
    static void assertRejected(ThrowingCallable call, String code, String secretText) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            if (secretText != null && !secretText.isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(secretText);
            }
        });
    }
}
