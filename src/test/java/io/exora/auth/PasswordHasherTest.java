package io.exora.auth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.exora.auth.TestTokens.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    /** Cost 4 keeps the tests fast; production uses {@link PasswordHasher#DEFAULT_COST}. */
    private final PasswordHasher hasher = new PasswordHasher(4);

    @Test
    void hashAndVerifyRoundTrip() {
        String hash = hasher.hash("correct horse battery".toCharArray());

        assertThat(hash).startsWith("$2a$04$").hasSize(60);
        assertThat(hasher.verify("correct horse battery".toCharArray(), hash)).isTrue();
    }

    @Test
    void wrongPasswordDoesNotVerify() {
        String hash = hasher.hash("correct horse battery".toCharArray());

        assertThat(hasher.verify("correct horse battery!".toCharArray(), hash)).isFalse();
        assertThat(hasher.verify("Correct horse battery".toCharArray(), hash)).isFalse();
        assertThat(hasher.verify(new char[0], hash)).isFalse();
    }

    @Test
    void everyHashHasItsOwnSalt() {
        String first = hasher.hash("same password".toCharArray());
        String second = hasher.hash("same password".toCharArray());

        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.verify("same password".toCharArray(), second)).isTrue();
    }

    @Test
    void defaultCostIsTwelve() {
        assertThat(PasswordHasher.DEFAULT_COST).isEqualTo(12);
        assertThat(hasher.cost()).isEqualTo(4);
    }

    @Test
    void costOutsideBcryptsRangeIsRefused() {
        assertThatThrownBy(() -> new PasswordHasher(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atLeastEightCharacters() {
        assertRejected(() -> hasher.hash("seven77".toCharArray()), AuthException.WEAK_PASSWORD, "seven77");
        assertRejected(() -> hasher.hash(new char[0]), AuthException.WEAK_PASSWORD, null);
        assertThat(hasher.hash("eight888".toCharArray())).startsWith("$2a$");
    }

    @Test
    void lengthCountsCharactersNotUtf16Units() {
        // Seven emoji are fourteen chars but only seven characters.
        assertRejected(() -> hasher.hash("😀".repeat(7).toCharArray()), AuthException.WEAK_PASSWORD, null);
        assertThat(hasher.hash("😀".repeat(8).toCharArray())).startsWith("$2a$");
    }

    @Test
    void atMostSeventyTwoUtf8Bytes() {
        String ascii72 = "a".repeat(72);
        String ascii73 = "a".repeat(73);

        assertThat(hasher.verify(ascii72.toCharArray(), hasher.hash(ascii72.toCharArray()))).isTrue();
        assertThatThrownBy(() -> hasher.hash(ascii73.toCharArray()))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.code()).isEqualTo(AuthException.WEAK_PASSWORD);
                    assertThat(e.getMessage()).contains("72").doesNotContain(ascii73);
                });
    }

    @Test
    void byteLimitCountsUtf8BytesNotCharacters() {
        String accented72Bytes = "é".repeat(36);
        String accented74Bytes = "é".repeat(37);

        assertThat(hasher.verify(accented72Bytes.toCharArray(), hasher.hash(accented72Bytes.toCharArray()))).isTrue();
        assertRejected(() -> hasher.hash(accented74Bytes.toCharArray()), AuthException.WEAK_PASSWORD, accented74Bytes);
    }

    @Test
    void invalidUnicodeIsRefused() {
        char[] loneSurrogate = "password\uD800".toCharArray();

        assertRejected(() -> hasher.hash(loneSurrogate), AuthException.WEAK_PASSWORD, null);
        assertThat(hasher.verify(loneSurrogate, hasher.hash("password".toCharArray()))).isFalse();
    }

    @Test
    void callersArrayIsLeftForTheCallerToWipe() {
        char[] password = "correct horse battery".toCharArray();

        String hash = hasher.hash(password);
        hasher.verify(password, hash);

        assertThat(password).containsExactly("correct horse battery".toCharArray());
    }

    @Test
    void verifiesHashesMadeByGoLikeGoTrue() {
        // Interoperability vector from golang.org/x/crypto/bcrypt, the library GoTrue uses.
        assertThat(hasher.verify("allmine".toCharArray(), "$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBkUiQeg0dt.wU1qD4aFDcga")).isTrue();
        assertThat(hasher.verify("allmine!".toCharArray(), "$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBkUiQeg0dt.wU1qD4aFDcga")).isFalse();
    }

    @Test
    void verifiesHashesMadeByLibxcrypt() {
        // Made with libxcrypt's crypt(3): 36 x "é" (72 UTF-8 bytes, so no NUL terminator is hashed),
        // 72 x "a", and a $2b$ hash.
        assertThat(hasher.verify("é".repeat(36).toCharArray(), "$2a$04$0123456789abcdefghijkeT7xWpMR2j2PHBJQH26b8DBcVckR2eQK")).isTrue();
        assertThat(hasher.verify("a".repeat(72).toCharArray(), "$2a$04$0123456789abcdefghijkeLttf6HPvpDBDwoSj1F7RVQxUmVb.azu")).isTrue();
        assertThat(hasher.verify("a".repeat(71).toCharArray(), "$2a$04$0123456789abcdefghijkeLttf6HPvpDBDwoSj1F7RVQxUmVb.azu")).isFalse();
        assertThat(hasher.verify("correct horse battery staple".toCharArray(), "$2b$04$0123456789abcdefghijkeJgIKWSuiZ3lZHoMS1FKXMIHt226C.dq")).isTrue();
    }

    @Test
    void verifyLooksAtTheFirstSeventyTwoBytesLikeGo() {
        // Go's CompareHashAndPassword ignores bytes past 72, so must we for imported users.
        String hash = "$2a$04$0123456789abcdefghijkeLttf6HPvpDBDwoSj1F7RVQxUmVb.azu"; // 72 x "a"

        assertThat(hasher.verify("a".repeat(80).toCharArray(), hash)).isTrue();
    }

    @Test
    void missingOrBrokenStoredHashIsAMismatch() {
        char[] password = "whatever-password".toCharArray();

        assertThat(hasher.verify(password, null)).isFalse();
        assertThat(hasher.verify(password, "")).isFalse();
        assertThat(hasher.verify(password, "not a bcrypt hash")).isFalse();
        assertThat(hasher.verify(password, "$2a$04$tooShort")).isFalse();
    }

    @Test
    void verifyDummyDoesRealBcryptWork() {
        // Timing is noisy, so only check that the dummy is the same order of magnitude as a real
        // verification; a dummy that skipped bcrypt would be a thousand times faster.
        PasswordHasher slow = new PasswordHasher(8);
        String hash = slow.hash("correct horse battery".toCharArray());
        char[] attempt = "wrong guess at it".toCharArray();

        long real = fastestOf(5, () -> slow.verify(attempt, hash));
        long dummy = fastestOf(5, () -> slow.verifyDummy(attempt));

        assertThat(dummy).isGreaterThan(real / 3);
    }

    @Test
    void needsRehashWhenCostOrVersionDiffers() {
        assertThat(hasher.needsRehash(hasher.hash("correct horse battery".toCharArray()))).isFalse();
        assertThat(hasher.needsRehash("$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBkUiQeg0dt.wU1qD4aFDcga")).isTrue();
        assertThat(hasher.needsRehash("$2b$04$0123456789abcdefghijkeJgIKWSuiZ3lZHoMS1FKXMIHt226C.dq")).isTrue();
        assertThat(hasher.needsRehash("garbage")).isTrue();
        assertThat(hasher.needsRehash(null)).isTrue();
    }

    private static long fastestOf(int runs, Runnable action) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }

    @Test
    void hashIsNotRecognisablyThePassword() {
        char[] password = "correct horse battery".toCharArray();

        assertThat(hasher.hash(password)).doesNotContain("correct", "horse");
        assertThat(Arrays.equals(password, "correct horse battery".toCharArray())).isTrue();
    }
}
