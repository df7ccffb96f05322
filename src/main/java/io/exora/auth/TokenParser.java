package io.exora.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses a compact JWS and rejects, before any key is looked at, everything that is not a JWT
 * signed with one of the algorithms Exora accepts.
 */
final class TokenParser {

    /** Access tokens are well under 2 KB; refusing huge ones bounds the parsing work. */
    static final int MAX_LENGTH = 16 * 1024;

    static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** Header and payload must be non-empty; the signature may be empty so that alg "none" is reported as such. */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private TokenParser() {
    }

    /**
     * @throws AuthException {@code token_malformed} or {@code token_algorithm_unsupported}
     */
    static SignedJWT parse(String token) {
        if (token.length() > MAX_LENGTH || !COMPACT_JWS.matcher(token).matches()) {
            throw malformed("The token is not a JWT: expected three base64url parts separated by dots.");
        }
        JWSHeader header = requireAcceptedAlgorithm(parseHeader(token.substring(0, token.indexOf('.'))));
        if (header.getType() != null && !isJwtType(header.getType().getType())) {
            throw malformed("The token's typ header is not JWT.");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            jwt.getJWTClaimsSet(); // fails on a payload that is not a JSON object of well-typed claims
            return jwt;
        } catch (ParseException e) {
            throw malformed("The token's payload is not a valid JWT claim set.");
        }
    }

    /** RFC 7519 section 5.1: "JWT", compared like a media type, so case-insensitively and with an optional prefix. */
    private static boolean isJwtType(String type) {
        return "JWT".equalsIgnoreCase(type) || "application/jwt".equalsIgnoreCase(type);
    }

    private static Header parseHeader(String encodedHeader) {
        try {
            return Header.parse(new Base64URL(encodedHeader));
        } catch (ParseException e) {
            throw malformed("The token's header is not a valid JOSE header.");
        }
    }

    /**
     * An unsecured token ({@code alg: none}, in any spelling) carries no signature at all and an
     * encrypted one is not something Exora issues or accepts, so both are refused outright, as is
     * every signing algorithm outside the three Supabase uses.
     */
    private static JWSHeader requireAcceptedAlgorithm(Header header) {
        Algorithm algorithm = header.getAlgorithm();
        if (Algorithm.NONE.getName().equalsIgnoreCase(algorithm.getName())) {
            throw unsupported("Unsigned tokens (alg none) are not accepted.");
        }
        if (!(header instanceof JWSHeader jwsHeader) || !ACCEPTED_ALGORITHMS.contains(jwsHeader.getAlgorithm())) {
            throw unsupported("Only tokens signed with HS256, RS256 or ES256 are accepted.");
        }
        return jwsHeader;
    }

    private static AuthException malformed(String message) {
        return new AuthException(AuthException.TOKEN_MALFORMED, message);
    }

    private static AuthException unsupported(String message) {
        return new AuthException(AuthException.TOKEN_ALGORITHM_UNSUPPORTED, message);
    }
}
