package io.exora.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The gate in front of the pool: callers beyond its size queue, and a wait that runs out is "busy". */
class GatedDataSourceTest {
  private final AtomicInteger open = new AtomicInteger();

  /** A pool stand-in that counts the connections handed out and not yet closed. */
  private final DataSource pool = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
      new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
        if (!method.getName().equals("getConnection")) {
          throw new UnsupportedOperationException(method.getName());
        }
        open.incrementAndGet();
        return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
            (c, m, a) -> {
              if (m.getName().equals("close")) {
                open.decrementAndGet();
              }
              return null;
            });
      });

  @Test
  void aCallerBeyondTheSizeWaitsAndGetsBusyWhenNothingFreesUp() throws Exception {
    GatedDataSource gate = new GatedDataSource(pool, 1, Duration.ofMillis(100));
    Connection held = gate.getConnection();

    assertThatThrownBy(gate::getConnection).isInstanceOf(ConnectionsBusy.class)
        .hasMessageContaining("no database connection came free");
    assertThat(open).hasValue(1);

    held.close();
    try (Connection next = gate.getConnection()) {
      assertThat(open).hasValue(1);
    }
    assertThat(open).hasValue(0);
  }

  @Test
  void aQueuedCallerGetsTheConnectionAnotherReturns() throws Exception {
    GatedDataSource gate = new GatedDataSource(pool, 1, Duration.ofSeconds(30));
    Connection held = gate.getConnection();
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(200);
        held.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (Connection next = gate.getConnection()) {
      assertThat(open).hasValue(1);
    }
  }

  @Test
  void closingTwiceReturnsOnePermit() throws Exception {
    GatedDataSource gate = new GatedDataSource(pool, 1, Duration.ofMillis(100));
    Connection c = gate.getConnection();
    c.close();
    c.close();
    Connection again = gate.getConnection();
    assertThatThrownBy(gate::getConnection).as("still only one permit").isInstanceOf(ConnectionsBusy.class);
    again.close();
  }
}
