package io.exora.documents.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Content for storage tests, made on the fly so a big object never sits in the test's memory. */
final class TestContent {
  private TestContent() {}

  /** {@code size} pseudo-random bytes from {@code seed}; the same arguments give the same bytes. */
  static InputStream generated(long seed, long size) {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private long left = size;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return random.nextInt(256);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) random.nextInt(256);
        }
        left -= n;
        return n;
      }
    };
  }

  /** An endless source that counts what was taken from it. */
  static final class Endless extends InputStream {
    long taken;

    @Override
    public int read() {
      taken++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 'x');
      taken += len;
      return len;
    }
  }

  /** A source that delivers {@code good} bytes and then fails, as a dropped client connection does. */
  static InputStream failingAfter(long good, IOException failure) {
    InputStream data = generated(7, good);
    return new InputStream() {
      @Override
      public int read() throws IOException {
        int b = data.read();
        if (b < 0) {
          throw failure;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = data.read(b, off, len);
        if (n < 0) {
          throw failure;
        }
        return n;
      }
    };
  }

  static String sha256(InputStream in) throws IOException {
    try (in) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
