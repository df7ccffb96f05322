package io.exora.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the HS256 secret that signs and verifies access tokens.
 *
 * <p>An operator who shares tokens with a Supabase project sets {@code EXORA_JWT_SECRET} to that
 * project's JWT secret. Everyone else gets a random secret that is generated on first start and
 * kept in {@code <dataDir>/jwt-secret}, readable by the owner only, so tokens survive restarts.
 */
public final class JwtSecret {

    /** HS256 needs a key of at least 256 bits (RFC 7518, section 3.2). */
    public static final int MIN_BYTES = 32;

    /** Name of the secret's file inside the data directory. */
    public static final String FILE_NAME = "jwt-secret";

    static final int GENERATED_BYTES = 48;

    private static final Logger LOG = LoggerFactory.getLogger(JwtSecret.class);
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private JwtSecret() {
    }

    /**
     * Returns the configured secret's UTF-8 bytes, or the secret stored in the data directory,
     * generating and storing one first if there is none.
     *
     * @param configuredSecret the value of {@code EXORA_JWT_SECRET}; null or blank means "not set".
     *                         It is used byte for byte (not trimmed, not base64-decoded), the way
     *                         Supabase uses its JWT secret, so tokens stay interchangeable.
     * @param dataDir          Exora's data directory; created if missing
     * @throws IllegalArgumentException if the configured secret is shorter than {@value #MIN_BYTES} bytes
     * @throws IllegalStateException    if the stored secret file is unreadable as a secret
     * @throws UncheckedIOException     if the secret file cannot be read or written
     */
    public static byte[] load(String configuredSecret, Path dataDir) {
        if (configuredSecret != null && !configuredSecret.isBlank()) {
            byte[] secret = configuredSecret.getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_BYTES) {
                throw new IllegalArgumentException("EXORA_JWT_SECRET is too short: HS256 needs at least "
                        + MIN_BYTES + " bytes (256 bits), the configured value has " + secret.length
                        + ". Use a long random string, or unset it to let Exora generate one.");
            }
            return secret;
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Path file = dataDir.resolve(FILE_NAME);
        try {
            return readOrCreate(dataDir, file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the JWT secret file " + file, e);
        }
    }

    /** Throws unless {@code secret} is long enough for HS256; returns a defensive copy. */
    static byte[] requireHs256Strength(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("an HS256 secret needs at least " + MIN_BYTES
                    + " bytes (256 bits), got " + secret.length);
        }
        return secret.clone();
    }

    private static byte[] readOrCreate(Path dataDir, Path file) throws IOException {
        Files.createDirectories(dataDir);
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] secret = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(secret);
        Path temp = createPrivateTempFile(dataDir);
        try {
            writeDurably(temp, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
            if (publish(temp, file)) {
                LOG.info("Generated a new JWT secret in {}", file);
                return secret;
            }
            // Another process published its secret first; everyone must use that one.
            Arrays.fill(secret, (byte) 0);
            return read(file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Gives the fully written temp file its final name unless that name already exists. A hard
     * link is atomic and never replaces an existing file, so when two processes start at once
     * exactly one secret wins and nobody sees a half-written file. A rename would silently replace
     * the winner's file after the winner had started using it.
     *
     * @return false if another process created the file first
     */
    private static boolean publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            // Some file systems (FAT, some network mounts) have no hard links. A move without
            // REPLACE_EXISTING still refuses to overwrite; only its check is not atomic.
            try {
                Files.move(temp, file);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
    }

    private static byte[] read(Path file) throws IOException {
        warnIfOthersCanRead(file);
        String encoded = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] secret;
        try {
            secret = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a base64url JWT secret. Delete it to "
                    + "generate a new one (this signs everybody out) or restore it from a backup.");
        }
        if (secret.length < MIN_BYTES) {
            throw new IllegalStateException(file + " holds a JWT secret of only " + secret.length
                    + " bytes; HS256 needs at least " + MIN_BYTES + ".");
        }
        return secret;
    }

    private static Path createPrivateTempFile(Path dir) throws IOException {
        if (supportsPosix(dir)) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
            return Files.createTempFile(dir, FILE_NAME + "-", ".tmp", ownerOnly);
        }
        LOG.warn("{} does not support POSIX permissions; protect the JWT secret file by other means", dir);
        return Files.createTempFile(dir, FILE_NAME + "-", ".tmp");
    }

    private static void writeDurably(Path file, String content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            // Flush before the file gets its final name, so a crash cannot leave an empty secret.
            channel.force(true);
        }
    }

    private static void warnIfOthersCanRead(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (!OWNER_READ_WRITE.containsAll(permissions)) {
            LOG.warn("{} is accessible to other users ({}); run: chmod 600 {}",
                    file, PosixFilePermissions.toString(permissions), file);
        }
    }

    private static boolean supportsPosix(Path dir) throws IOException {
        return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
