package io.exora.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresTest {
  /**
   * A cluster asked for a port another PostgreSQL already serves must not take that server for its
   * own, even when the other one would let it in (here: it shares the superuser password, as a
   * copied cluster directory would; a server trusting loopback logins is the other way).
   */
  @Test
  void refusesAPortServedByAnotherPostgres() throws Exception {
    EmbeddedPostgres running = TestPostgres.cluster();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "second-pg-");
    try {
      Path runningDir = Path.of(queryString(running, "select current_setting('data_directory')")).getParent();
      Files.copy(runningDir.resolve("superuser-password"), root.resolve("superuser-password"));
      Path bin = PostgresBinaries.unpack(Path.of("target").resolve("pg-runtime"));

      assertThatThrownBy(() -> EmbeddedPostgres.start(bin, root, List.of(), running.port()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("served by another PostgreSQL");
      assertThat(queryString(running, "select 'still serving'")).isEqualTo("still serving");
    } finally {
      PostgresBinaries.deleteTree(root);
    }
  }

  private static String queryString(EmbeddedPostgres pg, String sql) throws Exception {
    try (Connection c = EmbeddedPostgres.connect(pg.superuser("postgres"));
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
