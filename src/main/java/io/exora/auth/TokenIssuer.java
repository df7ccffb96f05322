package io.exora.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Issues HS256 access tokens with the claims Supabase's GoTrue puts in its own, so that row level
 * security policies written for Supabase ({@code auth.uid()}, {@code auth.jwt()}) work unchanged.
 */
public final class TokenIssuer {

    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();

    private final MACSigner signer;
    private final String issuer;
    private final Duration lifetime;
    private final InstantSource clock;

    /** An issuer whose user tokens live {@link #DEFAULT_LIFETIME}. */
    public TokenIssuer(byte[] secret, String issuer, InstantSource clock) {
        this(secret, issuer, DEFAULT_LIFETIME, clock);
    }

    /**
     * @param secret   the HS256 secret, at least {@value JwtSecret#MIN_BYTES} bytes (see {@link JwtSecret})
     * @param issuer   the {@code iss} claim, e.g. {@code https://health.example.org/auth/v1}
     * @param lifetime how long user tokens are valid; at least one second
     * @param clock    the source of {@code iat}
     */
    public TokenIssuer(byte[] secret, String issuer, Duration lifetime, InstantSource clock) {
        this.signer = macSigner(JwtSecret.requireHs256Strength(secret));
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.lifetime = requireWholeSeconds(lifetime);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long user tokens stay valid. */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Issues an access token for a signed-in user.
     *
     * @param userId      the {@code sub} claim ({@code auth.uid()} in SQL)
     * @param email       the {@code email} claim; null leaves it out
     * @param appMetadata extra {@code app_metadata} entries (e.g. {@code is_admin}); JSON values
     *                    only: strings, numbers, booleans, null, lists and maps of those. They may
     *                    override the defaults {@code provider: "email"} and {@code providers}.
     */
    public String issueUserToken(UUID userId, String email, Map<String, Object> appMetadata) {
        Objects.requireNonNull(userId, "userId");
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("provider", "email");
        app.put("providers", List.of("email"));
        if (appMetadata != null) {
            app.putAll(appMetadata);
        }
        JWTClaimsSet.Builder claims = timed(lifetime)
                .subject(userId.toString())
                .audience(Claims.ROLE_AUTHENTICATED)
                .claim("role", Claims.ROLE_AUTHENTICATED)
                .claim("app_metadata", app)
                .claim("user_metadata", Map.of())
                .claim("aal", "aal1")
                .claim("session_id", UUID.randomUUID().toString())
                .claim("is_anonymous", false);
        if (email != null) {
            claims.claim("email", email);
        }
        return sign(claims.build());
    }

    /**
     * Issues a service role token, which bypasses row level security. Like Supabase's service key
     * it has no {@code sub} and no {@code aud}. Hand it only to trusted server-side code.
     */
    public String issueServiceToken(Duration lifetime) {
        return sign(timed(requireWholeSeconds(lifetime)).claim("role", Claims.ROLE_SERVICE).build());
    }

    /** Starts a claim set with iss, iat and exp; JWT times are whole seconds. */
    private JWTClaimsSet.Builder timed(Duration validFor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(validFor)));
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(HEADER, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            // HMAC-SHA256 with a checked key does not fail; if it does the JVM is broken.
            throw new IllegalStateException("could not sign a token", e);
        }
        return jwt.serialize();
    }

    private static MACSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret", e);
        }
    }

    private static Duration requireWholeSeconds(Duration lifetime) {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a token lifetime must be at least one second, got " + lifetime);
        }
        return lifetime.truncatedTo(ChronoUnit.SECONDS);
    }
}
