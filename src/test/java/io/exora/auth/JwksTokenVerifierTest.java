package io.exora.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.exora.auth.AuthException.*;
import static io.exora.auth.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RS256 and ES256 tokens verified against a JWKS served over HTTP, as Supabase publishes it. */
class JwksTokenVerifierTest {

    private static final AtomicInteger JWKS_REQUESTS = new AtomicInteger();
    private static RSAKey rsa;
    private static ECKey ec;
    private static HttpServer server;
    private static URI jwksUrl;

    private TokenVerifier verifier;

    @BeforeAll
    static void publishKeys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-key").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-key").generate();
        byte[] body = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/auth/v1/.well-known/jwks.json", exchange -> {
            JWKS_REQUESTS.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        jwksUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth/v1/.well-known/jwks.json");
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void newVerifier() {
        verifier = new TokenVerifier(SECRET, jwksUrl, CLOCK);
    }

    @AfterEach
    void closeVerifier() {
        verifier.close();
    }

    @Test
    void rs256TokenSignedWithThePublishedKeyVerifies() throws Exception {
        String token = sign(rs256Header("rsa-key"), userClaims().build(), new RSASSASigner(rsa));

        Claims claims = verifier.verify(bearer(token));

        assertThat(claims.userId()).isEqualTo(USER_ID);
        assertThat(claims.role()).isEqualTo("authenticated");
    }

    @Test
    void es256TokenSignedWithThePublishedKeyVerifies() throws Exception {
        String token = sign(es256Header("ec-key"), userClaims().build(), new ECDSASigner(ec));

        assertThat(verifier.verify(bearer(token)).email()).isEqualTo("ada@example.org");
    }

    @Test
    void keysAreFetchedOnceAndCached() throws Exception {
        int before = JWKS_REQUESTS.get();
        String rs = sign(rs256Header("rsa-key"), userClaims().build(), new RSASSASigner(rsa));
        String es = sign(es256Header("ec-key"), userClaims().build(), new ECDSASigner(ec));

        for (int i = 0; i < 5; i++) {
            verifier.verify(bearer(rs));
            verifier.verify(bearer(es));
        }

        assertThat(JWKS_REQUESTS.get() - before).isEqualTo(1);
    }

    @Test
    void hs256TokensStillUseTheSharedSecret() {
        assertThat(verifier.verify(bearer(hs256(userClaims().build()))).userId()).isEqualTo(USER_ID);
    }

    @Test
    void anotherRsaKeyUnderThePublishedKidFails() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-key").generate();
        String token = sign(rs256Header("rsa-key"), userClaims().build(), new RSASSASigner(impostor));

        assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
    }

    @Test
    void anotherEcKeyUnderThePublishedKidFails() throws Exception {
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("ec-key").generate();
        String token = sign(es256Header("ec-key"), userClaims().build(), new ECDSASigner(impostor));

        assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
    }

    @Test
    void unknownKidFails() throws Exception {
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("not-published").generate();
        String token = sign(rs256Header("not-published"), userClaims().build(), new RSASSASigner(unknown));

        // Twice: the second lookup may hit the refetch rate limit, which must mean the same thing.
        assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
        assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
    }

    @Test
    void rs256TokenNamingTheEcKeyFails() throws Exception {
        String token = sign(rs256Header("ec-key"), userClaims().build(), new RSASSASigner(rsa));

        assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
    }

    @Test
    void hs256TokenKeyedWithThePublicRsaKeyFails() throws Exception {
        // The classic algorithm confusion attack: use the published public key as an HMAC secret.
        byte[] der = rsa.toRSAPublicKey().getEncoded();
        byte[] pem = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        byte[] jwkJson = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);

        for (byte[] publicKeyAsSecret : List.of(der, pem, jwkJson)) {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-key").build();
            String token = sign(header, userClaims().build(), new MACSigner(publicKeyAsSecret));

            assertRejected(() -> verifier.verify(bearer(token)), TOKEN_SIGNATURE_INVALID, token);
        }
    }

    @Test
    void claimsOfAsymmetricTokensAreChecked() throws Exception {
        JWTClaimsSet expired = userClaims().expirationTime(date(CLOCK.instant().minus(Duration.ofMinutes(5)))).build();
        JWTClaimsSet foreignAudience = userClaims().audience("someone-else").build();

        String expiredToken = sign(rs256Header("rsa-key"), expired, new RSASSASigner(rsa));
        String foreignToken = sign(es256Header("ec-key"), foreignAudience, new ECDSASigner(ec));

        assertRejected(() -> verifier.verify(bearer(expiredToken)), TOKEN_EXPIRED, expiredToken);
        assertRejected(() -> verifier.verify(bearer(foreignToken)), TOKEN_AUDIENCE_INVALID, foreignToken);
    }

    @Test
    void unreachableJwksIsAnInfrastructureFailureNotABadToken() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + freePort() + "/jwks.json");
        String token = sign(rs256Header("rsa-key"), userClaims().build(), new RSASSASigner(rsa));

        try (TokenVerifier offline = new TokenVerifier(SECRET, nowhere, CLOCK)) {
            assertThatThrownBy(() -> offline.verify(bearer(token)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("JWKS")
                    .hasMessageNotContaining(token);
            // HS256 verification does not depend on the JWKS.
            assertThat(offline.verify(bearer(hs256(userClaims().build()))).userId()).isEqualTo(USER_ID);
        }
    }

    private static JWSHeader rs256Header(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build();
    }

    private static JWSHeader es256Header(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
