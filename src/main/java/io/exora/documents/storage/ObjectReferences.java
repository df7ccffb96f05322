package io.exora.documents.storage;

import java.util.Collection;
import java.util.Set;

/**
 * Which stored objects the database still points at. The orphan sweeper asks before it deletes;
 * {@link StoredObjectReferences} answers from {@code shell_files.storage_path}.
 */
@FunctionalInterface
public interface ObjectReferences {
  /** The keys among {@code keys} that something still references; the rest may be deleted. */
  Set<String> referencedAmong(Collection<String> keys);
}
