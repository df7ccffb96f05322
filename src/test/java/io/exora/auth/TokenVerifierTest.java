package io.exora.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static io.exora.auth.AuthException.*;
import static io.exora.auth.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {

    private final TokenVerifier verifier = new TokenVerifier(SECRET, null, CLOCK);

    @AfterEach
    void close() {
        verifier.close();
    }

    private void assertRejectedToken(String token, String code) {
        assertRejected(() -> verifier.verify(bearer(token)), code, token);
    }

    @Nested
    class Accepted {

        @Test
        void issuedUserTokenRoundTrips() throws Exception {
            TokenIssuer issuer = new TokenIssuer(SECRET, "https://exora.test/auth/v1", CLOCK);
            String token = issuer.issueUserToken(USER_ID, "ada@example.org", Map.of("is_admin", true));

            Claims claims = verifier.verify(bearer(token));

            assertThat(claims.userId()).isEqualTo(USER_ID);
            assertThat(claims.role()).isEqualTo("authenticated");
            assertThat(claims.email()).isEqualTo("ada@example.org");
            assertThat(claims.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
            assertThat(claims.isServiceRole()).isFalse();
            assertThat(claims.isAdmin()).isTrue();

            JsonNode json = new ObjectMapper().readTree(claims.toJson());
            assertThat(json.get("sub").asText()).isEqualTo(USER_ID.toString());
            assertThat(json.get("role").asText()).isEqualTo("authenticated");
            assertThat(json.get("aud").isTextual() || json.get("aud").isArray()).isTrue();
            assertThat(json.get("aud").toString()).contains("\"authenticated\"");
            assertThat(json.get("email").asText()).isEqualTo("ada@example.org");
            assertThat(json.get("exp").isIntegralNumber()).isTrue();
            assertThat(json.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 3600);
            assertThat(json.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
            assertThat(json.get("app_metadata").get("provider").asText()).isEqualTo("email");
            assertThat(json.get("app_metadata").get("is_admin").asBoolean()).isTrue();
            assertThat(json.get("user_metadata").isObject()).isTrue();
        }

        @Test
        void claimsJsonKeepsTheTokensOwnValues() throws Exception {
            String token = hs256(userClaims()
                    .audience(List.of("authenticated", "other"))
                    .claim("score", 1.5)
                    .claim("nested", Map.of("list", List.of(1, "two", false)))
                    .build());

            JsonNode json = new ObjectMapper().readTree(verifier.verify(bearer(token)).toJson());

            assertThat(json.get("aud").toString()).isEqualTo("[\"authenticated\",\"other\"]");
            assertThat(json.get("score").isFloatingPointNumber()).isTrue();
            assertThat(json.get("nested").get("list").toString()).isEqualTo("[1,\"two\",false]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "  Bearer\t", "Bearer    "})
        void schemeIsCaseInsensitiveAndSpacingTolerant(String prefix) {
            String token = hs256(userClaims().build());

            assertThat(verifier.verify(prefix + token + "  ").userId()).isEqualTo(USER_ID);
        }

        @Test
        void serviceTokenWithoutAudienceOrSubjectIsAccepted() {
            String token = new TokenIssuer(SECRET, "exora", CLOCK).issueServiceToken(Duration.ofMinutes(5));

            Claims claims = verifier.verify(bearer(token));

            assertThat(claims.role()).isEqualTo("service_role");
            assertThat(claims.isServiceRole()).isTrue();
            assertThat(claims.userId()).isNull();
            assertThat(claims.email()).isNull();
            assertThat(claims.raw()).doesNotContainKeys("aud", "sub");
        }

        @Test
        void supabaseStyleAnonKeyIsAccepted() {
            // Supabase's legacy anon key: iss "supabase", a role, iat and exp, nothing else.
            String token = hs256(new JWTClaimsSet.Builder().issuer("supabase").claim("role", "anon")
                    .issueTime(date(NOW)).expirationTime(date(NOW.plus(Duration.ofDays(3650)))).build());

            Claims claims = verifier.verify(bearer(token));

            assertThat(claims.role()).isEqualTo("anon");
            assertThat(claims.userId()).isNull();
        }

        @Test
        void anonTokenMayNameTheAuthenticatedAudience() {
            String token = hs256(userClaims().claim("role", "anon").build());

            assertThat(verifier.verify(bearer(token)).role()).isEqualTo("anon");
        }

        @Test
        void tokenWithoutTypHeaderIsAccepted() {
            String token = sign(new JWSHeader(JWSAlgorithm.HS256), userClaims().build(), macSigner());

            assertThat(verifier.verify(bearer(token)).userId()).isEqualTo(USER_ID);
        }

        @Test
        void hs256TokenWithKidIsStillCheckedWithTheSharedSecret() {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("some-key-id").build();

            assertThat(verifier.verify(bearer(sign(header, userClaims().build(), macSigner()))).userId()).isEqualTo(USER_ID);
        }

        @Test
        void expiredWithinLeewayIsAccepted() {
            String token = hs256(userClaims().expirationTime(date(NOW.minusSeconds(29))).build());

            assertThat(verifier.verify(bearer(token)).expiresAt()).isEqualTo(NOW.minusSeconds(29));
        }

        @Test
        void notBeforeWithinLeewayIsAccepted() {
            String token = hs256(userClaims().notBeforeTime(date(NOW.plusSeconds(29))).build());

            assertThat(verifier.verify(bearer(token)).userId()).isEqualTo(USER_ID);
        }
    }

    @Nested
    class MissingToken {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"   ", "Bearer", "Bearer   ", "bearer\t", "Basic dXNlcjpwYXNzd29yZA==", "Token abc.def.ghi"})
        void noBearerToken(String header) {
            assertRejected(() -> verifier.verify(header), TOKEN_MISSING, null);
        }

        @Test
        void tokenWithoutScheme() {
            String token = hs256(userClaims().build());

            assertRejected(() -> verifier.verify(token), TOKEN_MISSING, token);
        }
    }

    @Nested
    class MalformedToken {

        @ParameterizedTest
        @ValueSource(strings = {"garbage", "not a jwt at all", "abc.def", "a.b.c.d", "a.b.c.d.e", "..", "a..c",
                "eyJhbGciOiJIUzI1NiJ9.e30.sig!", "eyJhbGciOiJIUzI1NiJ9.e30=.c2ln"})
        void notThreeBase64UrlParts(String token) {
            assertRejectedToken(token, TOKEN_MALFORMED);
        }

        @Test
        void twoPartsOfARealToken() {
            String token = hs256(userClaims().build());

            assertRejectedToken(token.substring(0, token.lastIndexOf('.')), TOKEN_MALFORMED);
        }

        @Test
        void headerIsNotJson() {
            assertRejectedToken(b64("not json") + "." + b64("{}") + ".c2ln", TOKEN_MALFORMED);
        }

        @Test
        void headerWithoutAlg() {
            assertRejectedToken(b64("{\"typ\":\"JWT\"}") + "." + b64("{}") + ".c2ln", TOKEN_MALFORMED);
        }

        @Test
        void payloadIsNotAJsonObject() {
            String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");

            assertRejectedToken(header + "." + b64("[1,2,3]") + ".c2ln", TOKEN_MALFORMED);
            assertRejectedToken(header + "." + b64("{\"sub\":") + ".c2ln", TOKEN_MALFORMED);
        }

        @Test
        void expIsNotANumber() {
            String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");

            assertRejectedToken(header + "." + b64("{\"role\":\"anon\",\"exp\":\"tomorrow\"}") + ".c2ln", TOKEN_MALFORMED);
        }

        @Test
        void signedTokenWithEmptySignature() {
            // Only alg "none" may have an empty signature part, and that is refused for its alg.
            String token = hs256(userClaims().build());

            assertRejectedToken(token.substring(0, token.lastIndexOf('.') + 1), TOKEN_MALFORMED);
        }

        @Test
        void foreignTyp() {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build();

            assertRejectedToken(sign(header, userClaims().build(), macSigner()), TOKEN_MALFORMED);
        }

        @Test
        void oversizedToken() {
            String token = hs256(userClaims().claim("padding", "x".repeat(20_000)).build());

            assertRejectedToken(token, TOKEN_MALFORMED);
        }
    }

    @Nested
    class TimeChecks {

        @Test
        void expired() {
            String token = hs256(userClaims().expirationTime(date(NOW.minusSeconds(31))).build());

            assertRejectedToken(token, TOKEN_EXPIRED);
        }

        @Test
        void issuedTokenExpiresAfterItsLifetimePlusLeeway() {
            String token = new TokenIssuer(SECRET, "exora", CLOCK).issueUserToken(USER_ID, "ada@example.org", Map.of());
            InstantSource later = InstantSource.fixed(NOW.plus(Duration.ofHours(1)).plusSeconds(30));

            try (TokenVerifier laterVerifier = new TokenVerifier(SECRET, null, later)) {
                assertRejected(() -> laterVerifier.verify(bearer(token)), TOKEN_EXPIRED, token);
            }
        }

        @Test
        void notYetValid() {
            String token = hs256(userClaims().notBeforeTime(date(NOW.plusSeconds(31))).build());

            assertRejectedToken(token, TOKEN_NOT_YET_VALID);
        }

        @Test
        void missingExp() {
            String token = hs256(userClaims().expirationTime(null).build());

            assertRejectedToken(token, TOKEN_CLAIMS_INVALID);
        }
    }

    @Nested
    class Signatures {

        @Test
        void signedWithAnotherSecret() {
            assertRejectedToken(hs256(userClaims().build(), OTHER_SECRET), TOKEN_SIGNATURE_INVALID);
        }

        @Test
        void tamperedPayload() {
            String[] parts = hs256(userClaims().build()).split("\\.");
            String forged = b64(payloadJson(userClaims().claim("role", "service_role").build()));

            assertRejectedToken(parts[0] + "." + forged + "." + parts[2], TOKEN_SIGNATURE_INVALID);
        }

        @Test
        void signatureOfAnotherTokenIsInvalid() {
            String[] victim = hs256(userClaims().build()).split("\\.");
            String[] other = hs256(userClaims().claim("role", "anon").build()).split("\\.");

            assertRejectedToken(victim[0] + "." + victim[1] + "." + other[2], TOKEN_SIGNATURE_INVALID);
        }

        @Test
        void expiredTokenWithBadSignatureReportsTheSignature() {
            // Claims are only looked at once the signature holds.
            String token = hs256(userClaims().expirationTime(date(NOW.minusSeconds(3600))).build(), OTHER_SECRET);

            assertRejectedToken(token, TOKEN_SIGNATURE_INVALID);
        }
    }

    @Nested
    class Algorithms {

        @ParameterizedTest
        @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
        void unsecuredToken(String alg) {
            String token = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(payloadJson(userClaims().build())) + ".";

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }

        @Test
        void unsecuredTokenWithASignaturePart() {
            String token = b64("{\"alg\":\"none\"}") + "." + b64(payloadJson(userClaims().build())) + ".c2ln";

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }

        @Test
        void hs512() throws Exception {
            byte[] secret512 = (new String(SECRET) + new String(OTHER_SECRET)).getBytes();
            String token = sign(new JWSHeader(JWSAlgorithm.HS512), userClaims().build(), new MACSigner(secret512));

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"HS384", "RS512", "PS256", "ES384", "EdDSA", "hs256", "XYZ"})
        void otherAlgorithms(String alg) {
            String token = b64("{\"alg\":\"" + alg + "\"}") + "." + b64(payloadJson(userClaims().build())) + ".c2ln";

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }

        @Test
        void encryptedToken() {
            String token = b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + "." + b64("{}") + ".c2ln";

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }

        @Test
        void rs256WithoutJwksConfigured() throws Exception {
            RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
            String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), userClaims().build(), new RSASSASigner(rsa));

            assertRejectedToken(token, TOKEN_ALGORITHM_UNSUPPORTED);
        }
    }

    @Nested
    class ClaimRules {

        @Test
        void wrongAudience() {
            assertRejectedToken(hs256(userClaims().audience("anon").build()), TOKEN_AUDIENCE_INVALID);
            assertRejectedToken(hs256(userClaims().audience(List.of("a", "b")).build()), TOKEN_AUDIENCE_INVALID);
        }

        @Test
        void missingAudienceForAuthenticated() {
            assertRejectedToken(hs256(userClaims().audience((String) null).build()), TOKEN_AUDIENCE_INVALID);
        }

        @Test
        void foreignAudienceForServiceRole() {
            String token = hs256(new JWTClaimsSet.Builder().claim("role", "service_role").audience("somebody-else")
                    .expirationTime(date(NOW.plusSeconds(60))).build());

            assertRejectedToken(token, TOKEN_AUDIENCE_INVALID);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ada", "12345", "1-2-3-4-5", "5f0c6f7e8a4b4c1d9e2f0a1b2c3d4e5f", "{5f0c6f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f}"})
        void subjectIsNotAUuid(String sub) {
            assertRejectedToken(hs256(userClaims().subject(sub).build()), TOKEN_CLAIMS_INVALID);
        }

        @Test
        void missingSubjectForAuthenticated() {
            assertRejectedToken(hs256(userClaims().subject(null).build()), TOKEN_CLAIMS_INVALID);
        }

        @Test
        void serviceRoleWithNonUuidSubject() {
            assertRejectedToken(hs256(userClaims().claim("role", "service_role").subject("admin").build()), TOKEN_CLAIMS_INVALID);
        }

        @ParameterizedTest
        @ValueSource(strings = {"admin", "postgres", "supabase_admin", "Authenticated", ""})
        void unknownRole(String role) {
            assertRejectedToken(hs256(userClaims().claim("role", role).build()), TOKEN_CLAIMS_INVALID);
        }

        @Test
        void missingOrNonTextRole() {
            assertRejectedToken(hs256(userClaims().claim("role", null).build()), TOKEN_CLAIMS_INVALID);
            assertRejectedToken(hs256(userClaims().claim("role", 1).build()), TOKEN_CLAIMS_INVALID);
            assertRejectedToken(hs256(userClaims().claim("role", List.of("authenticated")).build()), TOKEN_CLAIMS_INVALID);
        }

        @Test
        void nonTextEmail() {
            assertRejectedToken(hs256(userClaims().claim("email", 42).build()), TOKEN_CLAIMS_INVALID);
        }

        @Test
        void adminFlagMustBeABoolean() {
            String stringFlag = hs256(userClaims().claim("app_metadata", Map.of("is_admin", "true")).build());
            String falseFlag = hs256(userClaims().claim("app_metadata", Map.of("is_admin", false)).build());
            String userMetadataFlag = hs256(userClaims().claim("user_metadata", Map.of("is_admin", true)).build());

            assertThat(verifier.verify(bearer(stringFlag)).isAdmin()).isFalse();
            assertThat(verifier.verify(bearer(falseFlag)).isAdmin()).isFalse();
            assertThat(verifier.verify(bearer(userMetadataFlag)).isAdmin()).isFalse();
        }
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new TokenVerifier(new byte[31], null, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    @Test
    void refusesANonHttpJwksUrl() {
        assertThatThrownBy(() -> new TokenVerifier(SECRET, java.net.URI.create("file:///etc/jwks.json"), CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static MACSigner macSigner() {
        try {
            return new MACSigner(SECRET);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
