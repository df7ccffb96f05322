package io.exora.documents.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class StorageConfigTest {
  @TempDir Path dataDir;

  @Test
  void absentOrBlankMeansFilesUnderTheDataDirectory() {
    assertThat(StorageConfig.parse(null, dataDir, Map.of())).isEqualTo(new StorageConfig.Local(dataDir.resolve("objects")));
    assertThat(StorageConfig.parse("  ", dataDir, Map.of())).isEqualTo(new StorageConfig.Local(dataDir.resolve("objects")));
  }

  @Test
  void fileUrisAreAbsoluteOrUnderTheDataDirectory() {
    assertThat(StorageConfig.parse("file:/var/lib/exora/objects", dataDir, Map.of()))
        .isEqualTo(new StorageConfig.Local(Path.of("/var/lib/exora/objects")));
    assertThat(StorageConfig.parse("file:///var/lib/exora/objects/", dataDir, Map.of()))
        .isEqualTo(new StorageConfig.Local(Path.of("/var/lib/exora/objects")));
    assertThat(StorageConfig.parse("file:docs", dataDir, Map.of()))
        .isEqualTo(new StorageConfig.Local(dataDir.resolve("docs")));
    assertThat(StorageConfig.parse("file:a/../b", dataDir, Map.of()))
        .isEqualTo(new StorageConfig.Local(dataDir.resolve("b")));
  }

  @Test
  void fromUriOpensAFileStoreThatWorks() throws Exception {
    try (ObjectStorage store = ObjectStorage.fromUri(null, dataDir, Map.of())) {
      assertThat(store).isInstanceOf(FileStorage.class);
      assertThat(store.describe()).isEqualTo("file:" + dataDir.resolve("objects"));
      store.put("p/f", new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
      assertThat(dataDir.resolve("objects/p/f")).exists();
    }
  }

  @Test
  void s3UrisTakeBucketPrefixAndTheS3Settings() {
    StorageConfig.S3 s3 = (StorageConfig.S3) StorageConfig.parse("s3://my-bucket/exora/docs/", dataDir, Map.of(
        "EXORA_S3_ENDPOINT", "http://127.0.0.1:9000/",
        "EXORA_S3_REGION", "eu-west-3",
        "EXORA_S3_PATH_STYLE", "TRUE"));
    assertThat(s3.bucket()).isEqualTo("my-bucket");
    assertThat(s3.prefix()).isEqualTo("exora/docs");
    assertThat(s3.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(s3.region()).isEqualTo("eu-west-3");
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.stagingDir()).isEqualTo(dataDir.resolve("s3-staging"));
    assertThat(s3.credentials()).isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(s3.describe()).isEqualTo(
        "s3://my-bucket/exora/docs (endpoint http://127.0.0.1:9000, region eu-west-3, path-style)");
  }

  @Test
  void s3DefaultsAreAwsInUsEast1WithVirtualHostedAddressing() {
    StorageConfig.S3 s3 = (StorageConfig.S3) StorageConfig.parse("s3://bucket.with.dots", dataDir, Map.of());
    assertThat(s3.prefix()).isEmpty();
    assertThat(s3.endpoint()).isEqualTo(Optional.empty());
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.pathStyle()).isFalse();
    assertThat(s3.describe()).isEqualTo("s3://bucket.with.dots (endpoint AWS, region us-east-1)");
  }

  @Test
  void staticKeysFromTheEnvironmentAreUsedAndNeverShown() {
    StorageConfig.S3 s3 = (StorageConfig.S3) StorageConfig.parse("s3://bucket", dataDir, Map.of(
        "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "very-secret-value"));
    assertThat(s3.credentials()).isInstanceOf(StaticCredentialsProvider.class);
    assertThat(s3.credentials().resolveCredentials().secretAccessKey()).isEqualTo("very-secret-value");
    assertThat(s3.toString()).doesNotContain("very-secret-value").doesNotContain("AKIAEXAMPLE");
    assertThat(s3.describe()).doesNotContain("very-secret-value").doesNotContain("AKIAEXAMPLE");
  }

  @Test
  void anythingElseIsRefusedWithAMessageNamingTheSetting() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("/var/lib/objects", "needs the file: scheme"),
        Map.entry("ftp://host/x", "'ftp' is not supported"),
        Map.entry("gs://bucket", "'gs' is not supported"),
        Map.entry("file:", "needs a directory"),
        Map.entry("file://otherhost/x", "cannot name a host"),
        Map.entry("s3://", "not a valid S3 bucket name"),
        Map.entry("s3://UPPER", "not a valid S3 bucket name"),
        Map.entry("s3://ab", "not a valid S3 bucket name"),
        Map.entry("s3://-bucket", "not a valid S3 bucket name"),
        Map.entry("s3://a..b", "not a valid S3 bucket name"),
        Map.entry("s3://key:secret@bucket", "no credentials"),
        Map.entry("s3://bucket?x=1", "no query"),
        Map.entry("s3://bucket/../etc", "prefix is not valid"),
        Map.entry("s3://bucket/a//b", "prefix is not valid"),
        Map.entry("s3://bucket/" + "p".repeat(ObjectKeys.MAX_LENGTH), "prefix must be under"));
    cases.forEach((uri, message) -> assertThatThrownBy(() -> StorageConfig.parse(uri, dataDir, Map.of()))
        .as(uri).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EXORA_STORAGE").hasMessageContaining(message));
  }

  @Test
  void theStorageValueIsNotEchoedWhenItMightHoldASecret() {
    assertThatThrownBy(() -> StorageConfig.parse("s3://AKIA:hunter2@bucket", dataDir, Map.of()))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> StorageConfig.parse("https://user:hunter2@host/x", dataDir, Map.of()))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void badS3SettingsAreRefused() {
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("EXORA_S3_ENDPOINT", "localhost:9000")))
        .hasMessageContaining("EXORA_S3_ENDPOINT must be an http(s) URL");
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("EXORA_S3_ENDPOINT", "http://u:p@minio:9000")))
        .hasMessageContaining("must not carry credentials").hasMessageNotContaining("u:p");
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("EXORA_S3_ENDPOINT", "http://minio:9000/bucket")))
        .hasMessageContaining("scheme://host[:port] only");
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("EXORA_S3_PATH_STYLE", "sometimes")))
        .hasMessageContaining("EXORA_S3_PATH_STYLE must be true or false");
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("EXORA_S3_REGION", "Europe (Paris)")))
        .hasMessageContaining("EXORA_S3_REGION");
    assertThatThrownBy(() -> StorageConfig.parse("s3://bucket", dataDir, Map.of("AWS_ACCESS_KEY_ID", "only-the-id")))
        .hasMessageContaining("set both");
  }

  @Test
  void s3SettingsWithFileStorageAreAContradiction() {
    assertThatThrownBy(() -> StorageConfig.parse("file:/x", dataDir, Map.of("EXORA_S3_ENDPOINT", "http://127.0.0.1:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EXORA_S3_ENDPOINT is set, but EXORA_STORAGE is not an s3:// URI");
    assertThatThrownBy(() -> StorageConfig.parse(null, dataDir, Map.of("EXORA_S3_PATH_STYLE", "true")))
        .hasMessageContaining("EXORA_S3_PATH_STYLE is set");
  }
}
