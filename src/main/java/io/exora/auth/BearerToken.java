package io.exora.auth;

/** Takes the token out of an {@code Authorization: Bearer <token>} header value (RFC 6750). */
final class BearerToken {

    private static final String SCHEME = "Bearer";

    private BearerToken() {
    }

    /**
     * @param headerValue the raw header value, or null when the request had none
     * @return the token, not yet checked in any way
     * @throws AuthException {@code token_missing} when there is no bearer token
     */
    static String extract(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            throw missing("The request has no Authorization header.");
        }
        String value = headerValue.strip();
        int gap = firstWhitespace(value);
        // The scheme is case-insensitive (RFC 7235, section 2.1): "bearer" and "BEARER" are fine.
        if (gap < 0 || !value.substring(0, gap).equalsIgnoreCase(SCHEME)) {
            throw missing("The Authorization header does not hold a Bearer token.");
        }
        return value.substring(gap + 1).strip();
    }

    private static int firstWhitespace(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static AuthException missing(String message) {
        return new AuthException(AuthException.TOKEN_MISSING, message);
    }
}
