package io.exora.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.spec.SecretKeySpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the bearer token of a request, the way Supabase (PostgREST and GoTrue) does.
 *
 * <p>HS256 tokens are checked with the shared secret only; RS256 and ES256 tokens only with the
 * public keys published at the JWKS URL, chosen by {@code kid}. Each family has its own nimbus
 * processor that accepts nothing but its own algorithms and keys, so a token cannot pick how it
 * is verified (no "algorithm confusion": an HS256 token keyed with a published RSA key is simply
 * checked against the shared secret, and fails).
 *
 * <p>Instances are thread-safe. {@link #close()} stops the JWKS background refresh.
 */
public final class TokenVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private final JWTProcessor<SecurityContext> sharedSecretProcessor;
    private final JWTProcessor<SecurityContext> jwksProcessor;
    private final JWKSource<SecurityContext> jwks;
    private final URI jwksUrl;
    private final ClaimsRules rules;

    /**
     * @param hs256Secret the shared secret, at least {@value JwtSecret#MIN_BYTES} bytes (see {@link JwtSecret})
     * @param jwksUrl     where RS256/ES256 public keys are published (Supabase:
     *                    {@code https://<project>.supabase.co/auth/v1/.well-known/jwks.json}), or
     *                    null to accept HS256 tokens only. Nothing is fetched until the first
     *                    asymmetric token arrives.
     * @param clock       the time against which {@code exp} and {@code nbf} are checked
     */
    public TokenVerifier(byte[] hs256Secret, URI jwksUrl, InstantSource clock) {
        SecretKeySpec secret = new SecretKeySpec(JwtSecret.requireHs256Strength(hs256Secret), "HmacSHA256");
        this.sharedSecretProcessor = processor(new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256, secret));
        this.jwksUrl = jwksUrl;
        this.jwks = jwksUrl == null ? null : RemoteJwks.create(jwksUrl);
        this.jwksProcessor = jwks == null ? null
                : processor(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), jwks));
        this.rules = new ClaimsRules(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Verifies the token in an {@code Authorization} header value.
     *
     * @param authorizationHeaderValue e.g. {@code "Bearer eyJ..."} (the scheme is case-insensitive), or null
     * @return the verified claims
     * @throws AuthException        with a {@code token_*} code when the token is missing or not acceptable
     * @throws UncheckedIOException when the JWKS cannot be fetched, which says nothing about the
     *                              token; answer 503 rather than 401 so clients do not sign out
     */
    public Claims verify(String authorizationHeaderValue) {
        String token = BearerToken.extract(authorizationHeaderValue);
        SignedJWT jwt = TokenParser.parse(token);
        JWTClaimsSet claims = verifySignature(jwt);
        return rules.check(claims, jwt.getPayload().toJSONObject());
    }

    @Override
    public void close() {
        if (jwks instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.warn("Could not release the JWKS source for {}", jwksUrl, e);
            }
        }
    }

    private JWTClaimsSet verifySignature(SignedJWT jwt) {
        boolean hmac = JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm());
        JWTProcessor<SecurityContext> processor = hmac ? sharedSecretProcessor : jwksProcessor;
        if (processor == null) {
            throw new AuthException(AuthException.TOKEN_ALGORITHM_UNSUPPORTED,
                    "RS256 and ES256 tokens are not accepted because no JWKS URL is configured.");
        }
        try {
            return processor.process(jwt, null);
        } catch (BadJWSException e) {
            throw signatureInvalid("The token's signature is invalid.");
        } catch (BadJOSEException e) {
            throw signatureInvalid("The token is not signed by a trusted key.");
        } catch (RateLimitReachedException e) {
            // An unknown kid asks for a JWKS refresh; refusing one is the same as finding no key.
            throw signatureInvalid("The token is not signed by a trusted key.");
        } catch (KeySourceException e) {
            throw new UncheckedIOException(new IOException("the JWKS at " + jwksUrl + " is unavailable: " + e.getMessage(), e));
        } catch (JOSEException e) {
            throw signatureInvalid("The token's signature could not be verified.");
        }
    }

    /**
     * Claims are checked afterwards by {@link ClaimsRules} with the injected clock, and the
     * {@code typ} header by {@link TokenParser}, so the processor only verifies signatures.
     */
    private static JWTProcessor<SecurityContext> processor(JWSKeySelector<SecurityContext> keySelector) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keySelector);
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWTClaimsSetVerifier(null);
        return processor;
    }

    private static AuthException signatureInvalid(String message) {
        return new AuthException(AuthException.TOKEN_SIGNATURE_INVALID, message);
    }
}
