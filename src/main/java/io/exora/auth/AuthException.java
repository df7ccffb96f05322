package io.exora.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An authentication failure with a stable, machine-readable {@link #code()} and a message meant
 * for humans.
 *
 * <p>The HTTP layer maps codes to statuses (every {@code token_*} code is a 401) and sends the
 * code to clients, so codes never change once published. The constants below are the codes this
 * package raises; account code may add its own (e.g. {@code email_taken}), in the same snake_case
 * form. Messages never quote the token, a password or a secret, so they are safe to log and to
 * return to the caller.
 */
public final class AuthException extends RuntimeException {

    public static final String TOKEN_MISSING = "token_missing";
    public static final String TOKEN_MALFORMED = "token_malformed";
    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String TOKEN_NOT_YET_VALID = "token_not_yet_valid";
    public static final String TOKEN_SIGNATURE_INVALID = "token_signature_invalid";
    public static final String TOKEN_ALGORITHM_UNSUPPORTED = "token_algorithm_unsupported";
    public static final String TOKEN_AUDIENCE_INVALID = "token_audience_invalid";
    public static final String TOKEN_CLAIMS_INVALID = "token_claims_invalid";
    public static final String INVALID_CREDENTIALS = "invalid_credentials";
    public static final String WEAK_PASSWORD = "weak_password";

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code    a snake_case machine code, normally one of the constants of this class
     * @param message a human explanation; must not contain the token, a password or a secret
     */
    public AuthException(String code, String message) {
        super(Objects.requireNonNull(message, "message"));
        if (code == null || !SNAKE_CASE.matcher(code).matches()) {
            throw new IllegalArgumentException("an auth error code must be snake_case, got: " + code);
        }
        this.code = code;
    }

    /** The stable machine code, e.g. {@code token_expired}. */
    public String code() {
        return code;
    }

    /** True for problems with a bearer token (the {@code token_*} codes), i.e. HTTP 401. */
    public boolean isTokenProblem() {
        return code.startsWith("token_");
    }

    @Override
    public String toString() {
        return "AuthException[" + code + "]: " + getMessage();
    }
}
