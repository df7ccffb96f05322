package io.exora.documents.storage;

import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link ObjectReferences} from the database: an object is referenced while a shell file row
 * (live or soft-deleted) has its key as {@code storage_path}. Runs as the service role, since the
 * sweeper looks at every patient's files.
 */
public final class StoredObjectReferences implements ObjectReferences {
  /**
   * Which of these storage keys a shell file still points at. Reads only, takes no row locks; one
   * probe per key with an index on shell_files(storage_path), one scan of shell_files without.
   * Returns each referenced key once, or no rows.
   */
  private static final String REFERENCED = """
      select distinct f.storage_path
        from public.shell_files f
       where f.storage_path = any(:keys)""";

  private final RequestTransactions transactions;

  public StoredObjectReferences(RequestTransactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public Set<String> referencedAmong(Collection<String> keys) {
    if (keys.isEmpty()) {
      return Set.of();
    }
    String[] array = keys.toArray(String[]::new);
    return transactions.run(Caller.serviceRole(), null, h -> new HashSet<>(h.createQuery(REFERENCED)
        .bindArray("keys", String.class, (Object[]) array)
        .mapTo(String.class)
        .list()));
  }
}
