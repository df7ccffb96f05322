package io.exora.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtSecretTest {

    @TempDir
    Path temp;

    @Test
    void generatesOnceAndReturnsTheSameSecretAfterwards() throws Exception {
        Path dataDir = temp.resolve("data/nested");

        byte[] first = JwtSecret.load(null, dataDir);
        byte[] second = JwtSecret.load("", dataDir);
        byte[] third = JwtSecret.load("   ", dataDir);

        assertThat(first).hasSize(48);
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        String stored = Files.readString(dataDir.resolve("jwt-secret")).strip();
        assertThat(Base64.getUrlDecoder().decode(stored)).isEqualTo(first);
    }

    @Test
    void secretsDifferBetweenInstallations() {
        assertThat(JwtSecret.load(null, temp.resolve("a"))).isNotEqualTo(JwtSecret.load(null, temp.resolve("b")));
    }

    @Test
    void storedFileIsReadableByTheOwnerOnly() throws Exception {
        JwtSecret.load(null, temp);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("jwt-secret"))))
                .isEqualTo("rw-------");
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        JwtSecret.load(null, temp);

        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("jwt-secret");
        }
    }

    @Test
    void concurrentFirstStartsAgreeOnOneSecret() throws Exception {
        int starters = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return JwtSecret.load(null, temp);
                }));
            }
            go.countDown();
            byte[] stored = JwtSecret.load(null, temp);
            for (Future<byte[]> result : results) {
                assertThat(result.get()).isEqualTo(stored);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void usesAnExistingFile() throws Exception {
        byte[] secret = "a secret written by an earlier run of Exora".getBytes(StandardCharsets.UTF_8);
        Files.writeString(temp.resolve("jwt-secret"), Base64.getUrlEncoder().encodeToString(secret) + "\n");

        assertThat(JwtSecret.load(null, temp)).isEqualTo(secret);
    }

    @Test
    void configuredSecretIsUsedAsItsUtf8Bytes() {
        String configured = "0123456789abcdef0123456789abcdef";

        assertThat(JwtSecret.load(configured, temp)).isEqualTo(configured.getBytes(StandardCharsets.UTF_8));
        assertThat(temp.resolve("jwt-secret")).doesNotExist();
    }

    @Test
    void configuredSecretLengthIsMeasuredInBytes() {
        // Sixteen characters, thirty-two bytes.
        assertThat(JwtSecret.load("é".repeat(16), temp)).hasSize(32);
    }

    @Test
    void tooShortConfiguredSecretIsRefused() {
        String tooShort = "0123456789abcdef0123456789abcde";

        assertThatThrownBy(() -> JwtSecret.load(tooShort, temp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXORA_JWT_SECRET")
                .hasMessageContaining("32")
                .hasMessageNotContaining(tooShort);
    }

    @Test
    void corruptOrShortStoredSecretIsReported() throws Exception {
        Path file = temp.resolve("jwt-secret");

        Files.writeString(file, "not base64url at all!");
        assertThatThrownBy(() -> JwtSecret.load(null, temp)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jwt-secret");

        Files.writeString(file, Base64.getUrlEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> JwtSecret.load(null, temp)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("16 bytes");
    }
}
