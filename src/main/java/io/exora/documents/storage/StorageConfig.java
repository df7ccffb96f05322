package io.exora.documents.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where objects are stored, parsed from {@code EXORA_STORAGE} and the {@code EXORA_S3_*} settings.
 * Parsing refuses anything it does not fully understand, with a message that names the setting.
 */
public sealed interface StorageConfig {
  /** Under the data directory when EXORA_STORAGE is absent. */
  String DEFAULT_DIRECTORY = "objects";
  /** Where S3 puts stage their content, under the data directory. */
  String S3_STAGING_DIRECTORY = "s3-staging";
  String DEFAULT_S3_REGION = "us-east-1";

  /** Objects as files under {@code root}. */
  record Local(Path root) implements StorageConfig {
    public Local {
      Objects.requireNonNull(root, "root");
    }

    @Override
    public ObjectStorage open() {
      return new FileStorage(root);
    }
  }

  /**
   * Objects in an S3-compatible bucket.
   *
   * @param prefix "" or a key prefix without leading or trailing slash
   * @param endpoint an endpoint override (MinIO, R2, ...); empty: AWS S3 for the region
   * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
   * @param credentials static keys from the environment given, or the SDK's default chain
   */
  record S3(String bucket, String prefix, Optional<URI> endpoint, String region, boolean pathStyle,
      Path stagingDir, AwsCredentialsProvider credentials) implements StorageConfig {
    public S3 {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(stagingDir, "stagingDir");
      Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public ObjectStorage open() {
      var builder = S3Client.builder()
          .region(Region.of(region))
          .credentialsProvider(credentials)
          .forcePathStyle(pathStyle)
          // Standard mode: up to 3 attempts with jittered backoff on throttling, 5xx and I/O errors.
          // Every request this store sends can be repeated safely (a put's body is a file).
          .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build());
      endpoint.ifPresent(builder::endpointOverride);
      return new S3Storage(builder.build(), bucket, prefix, stagingDir, describe());
    }

    /** The bucket, prefix, endpoint, region and addressing; never the credentials. */
    public String describe() {
      return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
          + " (endpoint " + endpoint.map(URI::toString).orElse("AWS") + ", region " + region
          + (pathStyle ? ", path-style" : "") + ")";
    }

    @Override
    public String toString() {
      return "S3[" + describe() + "]";  // the record's own would print the credentials provider
    }
  }

  ObjectStorage open();

  /** S3's bucket naming rules: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit. */
  Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

  /**
   * Parses {@code EXORA_STORAGE}:
   * <ul>
   *   <li>absent or blank: files under {@code <dataDir>/objects};
   *   <li>{@code file:/abs/path} or {@code file:///abs/path}: files under that directory;
   *   <li>{@code file:relative/path}: files under {@code <dataDir>/relative/path};
   *   <li>{@code s3://bucket} or {@code s3://bucket/prefix}: that bucket, with
   *       {@code EXORA_S3_ENDPOINT} (an http(s) URL), {@code EXORA_S3_REGION} (default us-east-1)
   *       and {@code EXORA_S3_PATH_STYLE} (true/false, default false) from {@code env}.
   * </ul>
   * Credentials are never part of the URI: when {@code AWS_ACCESS_KEY_ID} and
   * {@code AWS_SECRET_ACCESS_KEY} (and optionally {@code AWS_SESSION_TOKEN}) are in {@code env},
   * those are used; otherwise the SDK's default chain (environment, profiles, web identity,
   * container and instance roles).
   *
   * @throws IllegalArgumentException for any other form, or for S3 settings with file storage
   */
  public static StorageConfig parse(String uri, Path dataDir, Map<String, String> env) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(env, "env");
    String value = uri == null ? "" : uri.strip();
    if (value.startsWith("s3://")) {
      return parseS3(value, dataDir, env);
    }
    for (String name : new String[] {"EXORA_S3_ENDPOINT", "EXORA_S3_REGION", "EXORA_S3_PATH_STYLE"}) {
      if (setting(env, name).isPresent()) {
        throw new IllegalArgumentException(name + " is set, but EXORA_STORAGE is not an s3:// URI;"
            + " set EXORA_STORAGE=s3://bucket[/prefix] or remove " + name);
      }
    }
    if (value.isEmpty()) {
      return new Local(dataDir.toAbsolutePath().resolve(DEFAULT_DIRECTORY).normalize());
    }
    if (value.startsWith("file:")) {
      return new Local(filePath(value.substring("file:".length()), dataDir));
    }
    int colon = value.indexOf(':');
    throw new IllegalArgumentException("EXORA_STORAGE must be file:<path> or s3://bucket[/prefix]"
        + (colon > 0 && value.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
            ? "; the scheme '" + value.substring(0, colon) + "' is not supported"
            : "; a bare path needs the file: scheme"));
  }

  private static Path filePath(String path, Path dataDir) {
    if (path.startsWith("//")) {
      // file:///abs is the URL form of file:/abs; file://host/... would name another machine.
      if (!path.startsWith("///")) {
        throw new IllegalArgumentException("EXORA_STORAGE file: URLs cannot name a host; use file:/absolute/path");
      }
      path = path.substring(2);
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("EXORA_STORAGE file: needs a directory, as in file:/var/lib/exora/objects");
    }
    Path p = Path.of(path);
    return (p.isAbsolute() ? p : dataDir.toAbsolutePath().resolve(p)).normalize();
  }

  private static S3 parseS3(String value, Path dataDir, Map<String, String> env) {
    String rest = value.substring("s3://".length());
    if (rest.contains("@") || rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException("EXORA_STORAGE s3:// takes only a bucket and a prefix:"
          + " no credentials (use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS credential chain),"
          + " no query or fragment");
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException("EXORA_STORAGE: '" + bucket + "' is not a valid S3 bucket name"
          + " (3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit)");
    }
    if (!prefix.isEmpty()) {
      if (prefix.length() >= ObjectKeys.MAX_LENGTH) {
        throw new IllegalArgumentException("EXORA_STORAGE: the S3 key prefix must be under "
            + ObjectKeys.MAX_LENGTH + " characters");
      }
      try {
        ObjectKeys.check(prefix);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("EXORA_STORAGE: the S3 key prefix is not valid: " + e.getMessage(), e);
      }
    }
    String region = setting(env, "EXORA_S3_REGION").orElse(DEFAULT_S3_REGION);
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("EXORA_S3_REGION must be a region name such as us-east-1, got '"
          + region + "'");
    }
    return new S3(bucket, prefix, setting(env, "EXORA_S3_ENDPOINT").map(StorageConfig::endpoint), region,
        pathStyle(env), dataDir.toAbsolutePath().resolve(S3_STAGING_DIRECTORY).normalize(), credentials(env));
  }

  private static URI endpoint(String raw) {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("EXORA_S3_ENDPOINT is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "EXORA_S3_ENDPOINT must be an http(s) URL with a host, such as http://127.0.0.1:9000");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("EXORA_S3_ENDPOINT must not carry credentials;"
          + " use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS credential chain");
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("EXORA_S3_ENDPOINT must be scheme://host[:port] only;"
          + " put a key prefix in EXORA_STORAGE=s3://bucket/prefix");
    }
    return URI.create(scheme + "://" + uri.getRawAuthority());
  }

  private static boolean pathStyle(Map<String, String> env) {
    Optional<String> raw = setting(env, "EXORA_S3_PATH_STYLE").map(v -> v.toLowerCase(Locale.ROOT));
    return switch (raw.orElse("false")) {
      case "true", "on", "yes", "1" -> true;
      case "false", "off", "no", "0" -> false;
      default -> throw new IllegalArgumentException(
          "EXORA_S3_PATH_STYLE must be true or false, got '" + raw.get() + "'");
    };
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    Optional<String> id = setting(env, "AWS_ACCESS_KEY_ID");
    Optional<String> secret = setting(env, "AWS_SECRET_ACCESS_KEY");
    if (id.isPresent() != secret.isPresent()) {
      throw new IllegalArgumentException("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither"
          + " (to use the AWS credential chain)");
    }
    if (id.isEmpty()) {
      return DefaultCredentialsProvider.builder().build();
    }
    Optional<String> token = setting(env, "AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(token.isPresent()
        ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
        : AwsBasicCredentials.create(id.get(), secret.get()));
  }

  private static Optional<String> setting(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(s -> !s.isEmpty());
  }
}
