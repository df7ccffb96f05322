package io.exora.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Hashes and checks passwords with bcrypt in the {@code $2a$} format that Supabase's GoTrue stores
 * in {@code auth.users.encrypted_password}, so users can move between the two.
 *
 * <p>Passwords are taken as {@code char[]} so the caller can wipe them. This class never modifies
 * the caller's array (a login may verify and then re-hash the same password); it wipes the UTF-8
 * copies it makes itself.
 */
public final class PasswordHasher {

    public static final int DEFAULT_COST = 12;
    public static final int MIN_COST = 4;
    public static final int MAX_COST = 31;

    /** Minimum password length in characters (Unicode code points). */
    public static final int MIN_LENGTH = 8;

    /** bcrypt only looks at the first 72 bytes of a password. */
    public static final int MAX_BYTES = 72;

    private static final Logger LOG = LoggerFactory.getLogger(PasswordHasher.class);
    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2A;

    private final int cost;
    private final BCrypt.Hasher hasher;
    private final BCrypt.Verifyer verifyer;
    private final byte[] dummyHash;

    /** A hasher with cost {@value #DEFAULT_COST}. */
    public PasswordHasher() {
        this(DEFAULT_COST);
    }

    /**
     * @param cost bcrypt's log2 work factor, {@value #MIN_COST}..{@value #MAX_COST}. Hashing one
     *             password once here costs one hash of that work, to prepare {@link #verifyDummy}.
     */
    public PasswordHasher(int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be between " + MIN_COST + " and " + MAX_COST
                    + ", got " + cost);
        }
        this.cost = cost;
        // hash() refuses long passwords before they reach the library, so strict never fires there.
        this.hasher = BCrypt.with(VERSION, new SecureRandom(), LongPasswordStrategies.strict(VERSION));
        // verify() behaves like Go's bcrypt.CompareHashAndPassword, which GoTrue uses: only the first
        // 72 bytes count. Users imported from Supabase whose long passwords predate GoTrue's length
        // check can still sign in.
        this.verifyer = BCrypt.verifyer(VERSION, LongPasswordStrategies.truncate(VERSION));
        this.dummyHash = hasher.hash(cost, randomPassword());
    }

    /** The cost new hashes are made with. */
    public int cost() {
        return cost;
    }

    /**
     * Hashes a new password after checking the policy.
     *
     * @return a 60 character {@code $2a$} bcrypt hash
     * @throws AuthException {@code weak_password} if the password is shorter than
     *                       {@value #MIN_LENGTH} characters, longer than {@value #MAX_BYTES} UTF-8
     *                       bytes, or not valid Unicode
     */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        if (Character.codePointCount(password, 0, password.length) < MIN_LENGTH) {
            throw weak("Password must be at least " + MIN_LENGTH + " characters long.");
        }
        byte[] utf8 = encode(password);
        if (utf8 == null) {
            throw weak("Password contains invalid characters.");
        }
        try {
            if (utf8.length > MAX_BYTES) {
                throw weak("Password must be at most " + MAX_BYTES + " bytes long in UTF-8 (" + MAX_BYTES
                        + " plain letters or digits, fewer with accents or emoji).");
            }
            return new String(hasher.hash(cost, utf8), StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /**
     * Checks a password against a stored hash ({@code $2a$}, {@code $2b$} or {@code $2y$}). A
     * missing or unusable stored hash (a user who only signs in with a provider has an empty
     * {@code encrypted_password}) is a mismatch that takes as long as a real check.
     */
    public boolean verify(char[] password, String storedHash) {
        Objects.requireNonNull(password, "password");
        if (storedHash == null || storedHash.isBlank()) {
            verifyDummy(password);
            return false;
        }
        byte[] utf8 = encode(password);
        if (utf8 == null) {
            return false; // cannot have been hashed: hash() refuses such passwords
        }
        try {
            BCrypt.Result result = verifyer.verify(utf8, storedHash.getBytes(StandardCharsets.US_ASCII));
            if (!result.validFormat) {
                LOG.warn("A stored password hash is not a valid bcrypt hash; treating it as a mismatch");
                verifyDummy(password);
                return false;
            }
            return result.verified;
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /**
     * Does the work of one {@link #verify} against a hash of this hasher's cost and throws the
     * answer away. Call it when a login names an unknown email, so that the response time does not
     * tell an attacker which emails have accounts.
     */
    public void verifyDummy(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] utf8 = encode(password);
        byte[] input = utf8 != null ? utf8 : new byte[0];
        try {
            verifyer.verify(input, dummyHash.clone());
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /**
     * True when a stored hash should be replaced by {@link #hash} after the next successful login:
     * it is not {@code $2a$}, its cost differs from this hasher's (GoTrue uses cost 10), or it
     * cannot be parsed.
     */
    public boolean needsRehash(String storedHash) {
        if (storedHash == null || storedHash.isBlank()) {
            return true;
        }
        try {
            BCrypt.HashData data = VERSION.parser.parse(storedHash.getBytes(StandardCharsets.US_ASCII));
            return !VERSION.equals(data.version) || data.cost != cost;
        } catch (IllegalBCryptFormatException e) {
            return true;
        }
    }

    private static AuthException weak(String message) {
        return new AuthException(AuthException.WEAK_PASSWORD, message);
    }

    /**
     * UTF-8 encodes into a buffer this method owns, so no copy is left behind unwiped.
     *
     * @return the bytes, or null if the chars are not valid UTF-16 (a lone surrogate)
     */
    private static byte[] encode(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.allocate(password.length * (int) encoder.maxBytesPerChar());
        try {
            CoderResult result = encoder.encode(CharBuffer.wrap(password), buffer, true);
            if (!result.isError()) {
                result = encoder.flush(buffer);
            }
            if (result.isError()) {
                return null;
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        } finally {
            Arrays.fill(buffer.array(), (byte) 0);
        }
    }

    private static byte[] randomPassword() {
        byte[] password = new byte[32];
        new SecureRandom().nextBytes(password);
        return password;
    }
}
