package io.exora.documents.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The storage contract against a real S3-compatible server (S3Mock, see {@link S3MockServer}),
 * through the same {@code fromUri} configuration path as production. Each test gets its own key
 * prefix in the shared bucket and its own staging directory.
 */
class S3StorageTest extends ObjectStorageContract {
  static final String SECRET = "test-secret-key-never-printed";
  static S3MockServer server;
  static S3Client raw;

  @TempDir Path dataDir;
  String prefix;
  ObjectStorage store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3MockServer.start();
    raw = S3Client.builder()
        .endpointOverride(server.endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", SECRET)))
        .build();
  }

  @AfterAll
  static void stopServer() {
    if (raw != null) {
      raw.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void open() {
    prefix = "t-" + UUID.randomUUID();
    store = ObjectStorage.fromUri("s3://" + S3MockServer.BUCKET + "/" + prefix + "/", dataDir, env());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  Map<String, String> env() {
    return Map.of(
        "EXORA_S3_ENDPOINT", server.endpoint.toString(),
        "EXORA_S3_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", "test-key",
        "AWS_SECRET_ACCESS_KEY", SECRET);
  }

  @Override
  protected ObjectStorage storage() {
    return store;
  }

  @Override
  protected void assertNoLeftovers() throws IOException {
    assertThat(raw.listMultipartUploads(b -> b.bucket(S3MockServer.BUCKET).prefix(prefix + "/")).uploads())
        .as("pending multipart uploads").isEmpty();
    Path staging = dataDir.resolve(StorageConfig.S3_STAGING_DIRECTORY);
    try (Stream<Path> staged = Files.list(staging)) {
      assertThat(staged).as("staged copies").isEmpty();
    }
  }

  @Override
  protected Map<String, String> childEnvironment() {
    Map<String, String> env = new HashMap<>(env());
    env.put("EXORA_STORAGE", "s3://" + S3MockServer.BUCKET + "/" + prefix);
    env.put("EXORA_DATA_DIR", dataDir.toString());
    return env;
  }

  @Test
  void theObjectCarriesItsSha256AsMetadataAndAsItsS3Checksum() throws Exception {
    StoredObject stored = store.put("p/doc", new ByteArrayInputStream("abc".getBytes(UTF_8)), 100);

    HeadObjectResponse head = raw.headObject(b -> b.bucket(S3MockServer.BUCKET).key(prefix + "/p/doc")
        .checksumMode(ChecksumMode.ENABLED));
    assertThat(head.metadata()).containsEntry(S3Storage.SHA256_METADATA, SHA256_ABC);
    assertThat(head.checksumSHA256()).isEqualTo(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(stored.sha256())));
    assertThat(head.contentLength()).isEqualTo(3);
  }

  @Test
  void anObjectDamagedInStorageFailsItsReadInsteadOfPassingAsGood() throws Exception {
    store.put("p/scan", TestContent.generated(3, 100_000), 100_000);
    Path bytes = server.dataFileOf(prefix + "/p/scan");
    byte[] damaged = Files.readAllBytes(bytes);
    damaged[50_000] ^= 0x01;  // one flipped bit, same length
    Files.write(bytes, damaged);

    try (InputStream in = store.open("p/scan")) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("checksum");
    }
  }

  @Test
  void keysLiveUnderTheConfiguredPrefix() throws Exception {
    store.put("p/doc", new ByteArrayInputStream("x".getBytes(UTF_8)), 10);
    assertThat(raw.listObjectsV2(b -> b.bucket(S3MockServer.BUCKET).prefix(prefix + "/")).contents())
        .extracting(o -> o.key()).containsExactly(prefix + "/p/doc");
  }

  @Test
  void anOversizedPutSendsNothingToS3AndLeavesNoPendingUpload() throws Exception {
    assertThatThrownBy(() -> store.put("p/huge", TestContent.generated(1, 30L * 1024 * 1024), 20L * 1024 * 1024))
        .isInstanceOf(ObjectTooLarge.class);

    assertThat(raw.listObjectsV2(b -> b.bucket(S3MockServer.BUCKET).prefix(prefix + "/")).contents()).isEmpty();
    assertNoLeftovers();
  }

  @Test
  void aLimitBeyondOneS3PutIsRefusedUpFront() {
    assertThatThrownBy(() -> store.put("p/x", InputStream.nullInputStream(), S3Storage.MAX_SINGLE_PUT_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
  }

  @Test
  void objectsUnderThePrefixWithKeysExoraWouldNeverMakeAreNotListed() throws Exception {
    raw.putObject(b -> b.bucket(S3MockServer.BUCKET).key(prefix + "/p/not ours"), RequestBody.fromString("x"));
    store.put("p/ours", new ByteArrayInputStream("x".getBytes(UTF_8)), 10);
    assertThat(keys(store.listOlderThan("", FAR_FUTURE, 10))).containsExactly("p/ours");
  }

  @Test
  void listingPagesThroughMoreObjectsThanOneS3ListingHolds() throws Exception {
    // Fewer than S3's 1,000 per listing would not page; this store asks S3 for pages of 1,000.
    // Instead, check that a small page size stops mid-listing and resumes exactly after it.
    for (int i = 0; i < 7; i++) {
      store.put("p/" + i, new ByteArrayInputStream(new byte[] {(byte) i}), 10);
    }
    assertThat(keys(store.listOlderThan("p/", FAR_FUTURE, null, 3))).containsExactly("p/0", "p/1", "p/2");
    assertThat(keys(store.listOlderThan("p/", FAR_FUTURE, "p/2", 3))).containsExactly("p/3", "p/4", "p/5");
    assertThat(keys(store.listOlderThan("p/", FAR_FUTURE, "p/5", 3))).containsExactly("p/6");
  }

  @Test
  void staleStagedCopiesFromACrashAreRemoved() throws Exception {
    Path staging = dataDir.resolve(StorageConfig.S3_STAGING_DIRECTORY);
    Path stale = Files.writeString(staging.resolve(S3Storage.STAGING_PREFIX + "1.partial"), "half");
    Path fresh = Files.writeString(staging.resolve(S3Storage.STAGING_PREFIX + "2.partial"), "in flight");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    assertThat(store.removeIncomplete(Instant.now().minus(Duration.ofHours(1)))).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void describeNamesTheBucketAndEndpointButNoSecret() {
    assertThat(store.describe())
        .contains("s3://" + S3MockServer.BUCKET + "/" + prefix)
        .contains(server.endpoint.toString())
        .contains("path-style")
        .doesNotContain(SECRET)
        .doesNotContain("test-key");
  }

  @Test
  void aMissingBucketIsAnIoFailureNotAMissingObject() throws Exception {
    try (ObjectStorage elsewhere = ObjectStorage.fromUri("s3://no-such-bucket-here", dataDir, env())) {
      assertThatThrownBy(() -> elsewhere.open("p/x"))
          .isInstanceOf(IOException.class).isNotInstanceOf(ObjectNotFound.class)
          .hasMessageContaining("no-such-bucket-here");
      assertThatThrownBy(() -> elsewhere.put("p/x", new ByteArrayInputStream("x".getBytes(UTF_8)), 10))
          .isInstanceOf(IOException.class);
    }
    assertNoLeftovers();
  }
}
