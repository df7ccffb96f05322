package io.exora.queue.sql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The queue's SQL tests: one fresh, migrated database per test class ({@link QueueDb}), emptied before each test. */
abstract class QueueSqlTest {
  static QueueDb db;

  @BeforeAll
  static void openQueueDb() {
    db = QueueDb.create();
  }

  @AfterAll
  static void closeQueueDb() {
    db.close();
  }

  @BeforeEach
  void resetQueueDb() {
    db.reset();
  }
}
