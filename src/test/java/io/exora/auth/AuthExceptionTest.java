package io.exora.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthExceptionTest {

    @Test
    void carriesCodeAndMessage() {
        AuthException e = new AuthException(AuthException.TOKEN_EXPIRED, "The token has expired.");

        assertThat(e.code()).isEqualTo("token_expired");
        assertThat(e.getMessage()).isEqualTo("The token has expired.");
        assertThat(e.isTokenProblem()).isTrue();
        assertThat(new AuthException(AuthException.WEAK_PASSWORD, "short").isTokenProblem()).isFalse();
        assertThat(new AuthException(AuthException.INVALID_CREDENTIALS, "no").isTokenProblem()).isFalse();
    }

    @Test
    void constantsAreThePublishedCodes() {
        assertThat(List.of(AuthException.TOKEN_MISSING, AuthException.TOKEN_MALFORMED, AuthException.TOKEN_EXPIRED,
                AuthException.TOKEN_NOT_YET_VALID, AuthException.TOKEN_SIGNATURE_INVALID,
                AuthException.TOKEN_ALGORITHM_UNSUPPORTED, AuthException.TOKEN_AUDIENCE_INVALID,
                AuthException.TOKEN_CLAIMS_INVALID, AuthException.INVALID_CREDENTIALS, AuthException.WEAK_PASSWORD))
                .containsExactly("token_missing", "token_malformed", "token_expired", "token_not_yet_valid",
                        "token_signature_invalid", "token_algorithm_unsupported", "token_audience_invalid",
                        "token_claims_invalid", "invalid_credentials", "weak_password");
    }

    @Test
    void otherPackagesMayAddSnakeCaseCodes() {
        assertThat(new AuthException("email_taken", "an account with this email already exists").code()).isEqualTo("email_taken");
    }

    @Test
    void refusesCodesThatAreNotSnakeCase() {
        for (String bad : new String[] {null, "", "Token Expired", "token-expired", "TOKEN_EXPIRED", "_token", "token_"}) {
            assertThatThrownBy(() -> new AuthException(bad, "x")).as("code %s", bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
