package io.exora.documents.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects as files under one root directory (by default {@code <EXORA_DATA_DIR>/objects}): the key
 * {@code a/b} is the file {@code <root>/a/b}. Files are 0600 and directories 0700, since these are
 * people's medical documents; only the Exora process's user may read them.
 *
 * <p>A put writes a temp file beside its target, fsyncs it, renames it into place atomically and
 * fsyncs the directory, so a reader (or a crash) sees either no object or the whole one. Temp
 * files are named {@code ~put-*}: '~' is outside the key alphabet, so no key can name one and
 * listing never reports one. Directories are never removed (another put may be creating a file in
 * one at that moment); there is one per patient, so they stay few.
 *
 * <p>A key and a longer key below it ({@code a} and {@code a/b}) cannot both exist here, as they
 * can in S3; the server's {@code <patient>/<file>} keys never collide that way.
 */
public final class FileStorage implements ObjectStorage {
  static final String TEMP_PREFIX = "~put-";
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  private final Path root;
  private final FileAttribute<?>[] directoryAttributes;
  private final FileAttribute<?>[] fileAttributes;

  public FileStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    boolean posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
    this.directoryAttributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new FileAttribute<?>[0];
    this.fileAttributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    try {
      Files.createDirectories(this.root, directoryAttributes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the object store directory " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public StoredObject put(String key, InputStream content, long maxBytes) throws IOException {
    Path target = pathOf(key);
    ContentMeter meter = new ContentMeter(content, maxBytes);
    Path directory = target.getParent();
    Files.createDirectories(directory, directoryAttributes);
    Path temp = Files.createTempFile(directory, TEMP_PREFIX, ".partial", fileAttributes);
    String sha256;
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        for (int n; (n = meter.read(buffer)) >= 0; ) {
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        }
        out.force(true);  // the bytes reach the disk before a name points at them
      }
      sha256 = ContentMeter.hex(meter.sha256());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException | Error e) {
      deleteAfterFailure(temp, e);
      throw e;
    }
    try {
      syncDirectory(directory);  // the rename itself survives a crash
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(target, e);  // not durable, so not done: the caller sees a failed put
      throw e;
    }
    return new StoredObject(key, meter.size(), sha256);
  }

  @Override
  public InputStream open(String key) throws IOException {
    Path path = pathOf(key);
    if (!isRegularFile(path)) {
      throw new ObjectNotFound(key);
    }
    try {
      return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFound(key);  // deleted between the check and the open
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path path = pathOf(key);
    // A directory under the key holds other objects; there is no object with this key to remove.
    if (isRegularFile(path)) {
      Files.deleteIfExists(path);
    }
  }

  @Override
  public List<ObjectInfo> listOlderThan(String prefix, Instant before, String startAfter, int limit)
      throws IOException {
    ObjectKeys.checkPrefix(prefix);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    List<ObjectInfo> page = new ArrayList<>(Math.min(limit, DEFAULT_LIST_LIMIT));
    new Listing(prefix, before, startAfter, limit, page).walk(root, "");
    return page;
  }

  @Override
  public int removeIncomplete(Instant before) throws IOException {
    List<Path> stale;
    try (Stream<Path> files = Files.walk(root)) {
      stale = files.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))
          .filter(p -> modifiedBefore(p, before)).toList();
    }
    int removed = 0;
    for (Path p : stale) {
      if (Files.deleteIfExists(p)) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public String describe() {
    return "file:" + root;
  }

  /** The file of a checked key; it never leaves the root, whatever the key. */
  private Path pathOf(String key) {
    Path path = root.resolve(ObjectKeys.check(key)).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IllegalArgumentException("an object key must name a file inside the store: " + key);
    }
    return path;
  }

  private static boolean isRegularFile(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static boolean modifiedBefore(Path path, Instant before) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before);
    } catch (IOException e) {
      return false;  // gone already (its put finished or failed meanwhile)
    }
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static void deleteAfterFailure(Path path, Throwable failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * One page of a listing: a depth-first walk in key order that skips whole directories outside
   * the prefix or before {@code startAfter}, and stops once the page is full.
   *
   * <p>Entries are sorted by their key as S3 would sort it: a directory {@code d} by {@code "d/"}.
   * Sorting by bare name would be wrong, since '/' sorts after '-' and '.': the key {@code a-b/x}
   * comes before {@code a/x}, though the name {@code a-b} comes after {@code a}.
   */
  private record Listing(String prefix, Instant before, String startAfter, int limit, List<ObjectInfo> page) {
    private record Entry(Path path, String key, boolean directory, BasicFileAttributes attributes) {}

    void walk(Path directory, String directoryKey) throws IOException {
      for (Entry e : sortedEntries(directory, directoryKey)) {
        if (page.size() >= limit) {
          return;
        }
        if (e.directory()) {
          boolean inPrefix = e.key().startsWith(prefix) || prefix.startsWith(e.key());
          boolean allBeforeStart = startAfter != null && e.key().compareTo(startAfter) < 0
              && !startAfter.startsWith(e.key());
          if (inPrefix && !allBeforeStart) {
            walk(e.path(), e.key());
          }
        } else if (e.key().startsWith(prefix)
            && (startAfter == null || e.key().compareTo(startAfter) > 0)
            && e.attributes().lastModifiedTime().toInstant().isBefore(before)) {
          page.add(new ObjectInfo(e.key(), e.attributes().size(), e.attributes().lastModifiedTime().toInstant()));
        }
      }
    }

    private static List<Entry> sortedEntries(Path directory, String directoryKey) throws IOException {
      List<Entry> entries = new ArrayList<>();
      try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
        for (Path child : children) {
          String name = child.getFileName().toString();
          if (!ObjectKeys.isSegment(name)) {
            continue;  // a temp file, or something that is not Exora's
          }
          BasicFileAttributes a;
          try {
            a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          } catch (NoSuchFileException gone) {
            continue;
          }
          if (a.isDirectory()) {
            entries.add(new Entry(child, directoryKey + name + "/", true, a));
          } else if (a.isRegularFile()) {
            entries.add(new Entry(child, directoryKey + name, false, a));
          }
        }
      } catch (NoSuchFileException gone) {
        return List.of();
      }
      entries.sort(Comparator.comparing(Entry::key));
      return entries;
    }
  }
}
