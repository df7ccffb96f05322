package io.exora.documents.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where uploaded documents' bytes live: local files (the default, under the data directory) or an
 * S3-compatible bucket. Keys are made by the server and checked by {@link ObjectKeys} before any
 * backend touches them: every method throws IllegalArgumentException for a key that breaks the
 * rules. Implementations are safe to share between threads.
 *
 * <p>The contract both backends keep (ObjectStorageContract tests it against each):
 * <ul>
 *   <li>an object is visible only once complete: a failed or refused put leaves nothing behind,
 *       under its key or anywhere else that {@link #listOlderThan} would report;
 *   <li>a put never holds the content whole in memory;
 *   <li>a put under an existing key replaces that object (keys are fresh UUIDs, so it does not
 *       happen in practice);
 *   <li>listing is in ascending key order (bytewise, as S3 lists), so it can be paged.
 * </ul>
 */
public interface ObjectStorage extends AutoCloseable {
  /** The usual page size when listing for the orphan sweeper; S3 lists 1,000 keys per request. */
  int DEFAULT_LIST_LIMIT = 1_000;

  /**
   * Streams {@code content} into a new object under {@code key}, measuring its size and SHA-256 on
   * the way. Reads at most {@code maxBytes + 1} bytes of {@code content} and does not close it.
   *
   * @throws ObjectTooLarge when the content is longer than {@code maxBytes}; nothing is left behind
   * @throws IOException when reading the content or writing the object fails; nothing is left behind
   */
  StoredObject put(String key, InputStream content, long maxBytes) throws IOException;

  /**
   * Opens the object for reading. The caller closes the stream.
   *
   * @throws ObjectNotFound when no object is stored under the key
   */
  InputStream open(String key) throws IOException;

  /** Removes the object; removing an absent object succeeds and does nothing. */
  void delete(String key) throws IOException;

  /**
   * Up to {@code limit} objects whose key starts with {@code prefix} ("" for all), whose key sorts
   * strictly after {@code startAfter} (null: from the first), and which were last modified before
   * {@code before}; in ascending key order. A page shorter than {@code limit} is the last one.
   */
  List<ObjectInfo> listOlderThan(String prefix, Instant before, String startAfter, int limit) throws IOException;

  /** The first page of {@link #listOlderThan(String, Instant, String, int)}. */
  default List<ObjectInfo> listOlderThan(String prefix, Instant before, int limit) throws IOException {
    return listOlderThan(prefix, before, null, limit);
  }

  /**
   * Removes the remains of puts that started before {@code before} and never finished (the
   * process died mid-upload): a file store's temp files, an S3 store's staged copies. Returns how
   * many it removed. Puts still running started after {@code before} and are left alone.
   */
  int removeIncomplete(Instant before) throws IOException;

  /** Where the objects are, for the start-up log and health output; never a secret. */
  String describe();

  /** Releases connections; the default has none. */
  @Override
  default void close() {}

  /**
   * The storage named by {@code EXORA_STORAGE}: see {@link StorageConfig#parse} for the forms it
   * accepts. {@code env} supplies the {@code EXORA_S3_*} settings (and static AWS keys, if set).
   */
  static ObjectStorage fromUri(String uri, Path dataDir, Map<String, String> env) {
    return StorageConfig.parse(uri, dataDir, env).open();
  }
}
