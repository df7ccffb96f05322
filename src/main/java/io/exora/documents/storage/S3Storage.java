package io.exora.documents.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, ...), under an optional key
 * prefix: the key {@code a/b} in {@code s3://bucket/exora} is the S3 key {@code exora/a/b}.
 *
 * <p><b>Why a put stages the content in a local temp file and then sends one PUT</b>, instead of
 * streaming it as a multipart upload:
 * <ul>
 *   <li>the SHA-256 is known before anything is sent, so the object is created with it as user
 *       metadata ({@code x-amz-meta-sha256}) and as its checksum ({@code x-amz-checksum-sha256}),
 *       which S3 verifies on receipt: what lands is what this server hashed. A multipart upload
 *       must name its metadata when it starts, before the hash exists, and its SHA-256 checksum is
 *       a checksum of part checksums, not of the document;
 *   <li>memory stays at one copy buffer per upload, however many run at once; 8 MiB parts would
 *       cost 8 MiB each (8 GB for a thousand concurrent uploads);
 *   <li>content over the limit is refused before a byte goes to S3, so there is never a pending
 *       upload to abort or an S3 object to clean up;
 *   <li>a file body can be sent again, so the SDK's retries cover the whole PUT.
 * </ul>
 * The cost is a local write and read of each document, and disk space for the uploads in flight.
 * One PUT carries at most {@value #MAX_SINGLE_PUT_BYTES} bytes, a hundred times the upload limit.
 * Staged files live in the data directory, not /tmp, which may be memory (tmpfs); they are 0600
 * and removed when the put ends, or by {@link #removeIncomplete} after a crash.
 */
public final class S3Storage implements ObjectStorage {
  private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
  /** S3's limit for a single PUT (5 GiB). */
  public static final long MAX_SINGLE_PUT_BYTES = 5L * 1024 * 1024 * 1024;
  /** The user metadata entry that carries the hex SHA-256 ({@code x-amz-meta-sha256}). */
  public static final String SHA256_METADATA = "sha256";
  static final String STAGING_PREFIX = "~put-";
  private static final int COPY_BUFFER_BYTES = 64 * 1024;
  private static final int S3_LIST_PAGE = 1_000;

  private final S3Client client;
  private final String bucket;
  private final String keyPrefix;
  private final Path stagingDir;
  private final String description;

  /**
   * @param keyPrefix "" or a prefix without a trailing slash, put before every key with a slash
   * @param description what {@link #describe()} says: where the bucket is, never a secret
   */
  S3Storage(S3Client client, String bucket, String keyPrefix, Path stagingDir, String description) {
    this.client = client;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix.isEmpty() ? "" : keyPrefix + "/";
    this.stagingDir = stagingDir.toAbsolutePath().normalize();
    this.description = description;
    try {
      Files.createDirectories(this.stagingDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the S3 staging directory " + this.stagingDir, e);
    }
  }

  @Override
  public StoredObject put(String key, InputStream content, long maxBytes) throws IOException {
    String s3Key = s3Key(key);
    if (maxBytes > MAX_SINGLE_PUT_BYTES) {
      throw new IllegalArgumentException("S3 storage takes objects of at most " + MAX_SINGLE_PUT_BYTES
          + " bytes (one PUT); the limit asked for was " + maxBytes);
    }
    ContentMeter meter = new ContentMeter(content, maxBytes);
    Path staged = Files.createTempFile(stagingDir, STAGING_PREFIX, ".partial",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel out = FileChannel.open(staged, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        for (int n; (n = meter.read(buffer)) >= 0; ) {
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        }
        // No fsync: a staged file that a crash loses only fails its upload, which was not yet done.
      }
      byte[] digest = meter.sha256();
      String hex = ContentMeter.hex(digest);
      // The precomputed x-amz-checksum-sha256 header makes S3 verify the body and keep SHA-256 as
      // the object's checksum. Not checksumAlgorithm(SHA256) besides: with it, SDK 2.31 also sends
      // a trailing checksum of its own, which some S3-compatible servers mishandle.
      client.putObject(b -> b.bucket(bucket).key(s3Key)
              .contentLength(meter.size())
              .contentType("application/octet-stream")
              .metadata(Map.of(SHA256_METADATA, hex))
              .checksumSHA256(Base64.getEncoder().encodeToString(digest)),
          RequestBody.fromFile(staged));
      return new StoredObject(key, meter.size(), hex);
    } catch (SdkException e) {
      throw failure("put", key, e);
    } finally {
      try {
        Files.deleteIfExists(staged);
      } catch (IOException e) {
        // Not worth failing a put that reached S3 (or hiding why one did not); removeIncomplete gets it.
        log.warn("could not remove the staged copy {}: {}", staged, e.getMessage());
      }
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    String s3Key = s3Key(key);
    try {
      // Checksum mode: the SDK checks the stored SHA-256 against the bytes as they are read.
      return new ObjectStream(client.getObject(b -> b.bucket(bucket).key(s3Key).checksumMode(ChecksumMode.ENABLED)));
    } catch (NoSuchKeyException e) {
      throw new ObjectNotFound(key);
    } catch (SdkException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    String s3Key = s3Key(key);
    try {
      client.deleteObject(b -> b.bucket(bucket).key(s3Key));  // S3 answers 204 for an absent key too
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  /**
   * S3 cannot filter a listing by date, so this lists by key and keeps the old objects, going on
   * through S3's pages until this page is full or the keys run out. Keys under the prefix that are
   * not valid object keys (put there by something else) are skipped, never reported.
   */
  @Override
  public List<ObjectInfo> listOlderThan(String prefix, Instant before, String startAfter, int limit)
      throws IOException {
    ObjectKeys.checkPrefix(prefix);
    if (startAfter != null) {
      ObjectKeys.checkPrefix(startAfter);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    List<ObjectInfo> page = new ArrayList<>(Math.min(limit, DEFAULT_LIST_LIMIT));
    String continuation = null;
    try {
      do {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
            .bucket(bucket).prefix(keyPrefix + prefix).maxKeys(S3_LIST_PAGE);
        if (continuation != null) {
          request.continuationToken(continuation);
        } else if (startAfter != null) {
          request.startAfter(keyPrefix + startAfter);
        }
        ListObjectsV2Response response = client.listObjectsV2(request.build());
        for (S3Object o : response.contents()) {
          String key = o.key().substring(keyPrefix.length());
          if (page.size() < limit && ObjectKeys.isValid(key) && o.lastModified().isBefore(before)) {
            page.add(new ObjectInfo(key, o.size(), o.lastModified()));
          }
        }
        continuation = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
      } while (continuation != null && page.size() < limit);
    } catch (SdkException e) {
      throw failure("list", prefix, e);
    }
    return page;
  }

  /** Staged copies left by a crash. (This store never starts multipart uploads, so has none to abort.) */
  @Override
  public int removeIncomplete(Instant before) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> staged = Files.newDirectoryStream(stagingDir, STAGING_PREFIX + "*")) {
      for (Path p : staged) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before) && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    return removed;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    client.close();
  }

  private String s3Key(String key) {
    return keyPrefix + ObjectKeys.check(key);
  }

  /** The SDK's message names the operation's outcome (status, error code); it carries no credentials. */
  private IOException failure(String operation, String key, SdkException e) {
    return new IOException("S3 " + operation + " of s3://" + bucket + "/" + keyPrefix + key + " failed: "
        + e.getMessage(), e);
  }

  /**
   * A GET's body as a plain InputStream: SDK failures while reading (a checksum mismatch found at
   * the end, say) become IOExceptions, as a reader of streams expects. Closed before its end, it
   * aborts the connection instead of reading the rest of the object just to reuse it.
   */
  private static final class ObjectStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private boolean ended;

    ObjectStream(ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.response = response;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        ended |= b < 0;
        return b;
      } catch (SdkException e) {
        throw new IOException("reading the stored object failed: " + e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        int n = super.read(buffer, offset, length);
        ended |= n < 0;
        return n;
      } catch (SdkException e) {
        throw new IOException("reading the stored object failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        response.abort();
      }
      try {
        super.close();
      } catch (SdkException e) {
        throw new IOException("closing the stored object failed: " + e.getMessage(), e);
      }
    }
  }
}
