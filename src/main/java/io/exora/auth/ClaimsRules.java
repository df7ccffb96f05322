package io.exora.auth;

import com.nimbusds.jwt.JWTClaimsSet;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks the claims of a token whose signature is already verified, and turns them into
 * {@link Claims}.
 *
 * <p>These rules live here rather than in nimbus' {@code DefaultJWTClaimsVerifier} because that
 * verifier reads the system clock, and because each rule has to fail with its own error code.
 */
final class ClaimsRules {

    /** Tolerated clock difference between the token's issuer and this server. */
    static final Duration LEEWAY = Duration.ofSeconds(30);

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final InstantSource clock;

    ClaimsRules(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param claims  the verified claim set
     * @param payload the same claims as the raw JSON object of the payload
     * @throws AuthException with a {@code token_*} code when a rule is broken
     */
    Claims check(JWTClaimsSet claims, Map<String, Object> payload) {
        Instant expiresAt = checkTimes(claims);
        String role = role(claims);
        checkAudience(role, claims);
        UUID userId = userId(role, claims.getSubject());
        return new Claims(userId, role, email(claims), expiresAt, payload);
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw invalid("The token has no expiry time (exp).");
        }
        Instant now = clock.instant();
        Instant expiresAt = exp.toInstant();
        if (!now.isBefore(expiresAt.plus(LEEWAY))) {
            throw new AuthException(AuthException.TOKEN_EXPIRED, "The token has expired.");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
            throw new AuthException(AuthException.TOKEN_NOT_YET_VALID, "The token is not valid yet (nbf).");
        }
        return expiresAt;
    }

    private static String role(JWTClaimsSet claims) {
        String role;
        try {
            role = claims.getStringClaim("role");
        } catch (ParseException e) {
            role = null;
        }
        if (role == null || !Claims.ROLES.contains(role)) {
            throw invalid("The token's role must be anon, authenticated or service_role.");
        }
        return role;
    }

    /**
     * User tokens must be meant for "authenticated". Supabase's legacy anon and service keys have
     * no audience at all, so for those roles an absent aud is fine, but a foreign one is not.
     */
    private static void checkAudience(String role, JWTClaimsSet claims) {
        boolean present = claims.getClaim("aud") != null;
        if (!present && !Claims.ROLE_AUTHENTICATED.equals(role)) {
            return;
        }
        List<String> audience = claims.getAudience();
        if (!audience.contains(Claims.ROLE_AUTHENTICATED)) {
            throw new AuthException(AuthException.TOKEN_AUDIENCE_INVALID,
                    "The token's audience (aud) must be \"authenticated\".");
        }
    }

    private static UUID userId(String role, String subject) {
        if (subject == null) {
            if (Claims.ROLE_AUTHENTICATED.equals(role)) {
                throw invalid("The token has no subject (sub).");
            }
            return null;
        }
        // UUID.fromString alone also accepts odd forms such as "1-2-3-4-5".
        if (!CANONICAL_UUID.matcher(subject).matches()) {
            throw invalid("The token's subject (sub) must be a UUID.");
        }
        return UUID.fromString(subject);
    }

    private static String email(JWTClaimsSet claims) {
        try {
            return claims.getStringClaim("email");
        } catch (ParseException e) {
            throw invalid("The token's email claim must be a string.");
        }
    }

    private static AuthException invalid(String message) {
        return new AuthException(AuthException.TOKEN_CLAIMS_INVALID, message);
    }
}
