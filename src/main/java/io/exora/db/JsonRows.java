package io.exora.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.StatementContext;
import org.postgresql.util.PGobject;

/**
 * Maps a row to column -> value ready for a JSON response: timestamps as instants, arrays as
 * lists, json and jsonb as JSON trees (not strings).
 */
public final class JsonRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonRows() {}

  public static Map<String, Object> map(ResultSet rs, StatementContext ctx) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      row.put(meta.getColumnLabel(i), value(rs.getObject(i)));
    }
    return row;
  }

  private static Object value(Object value) throws SQLException {
    if (value instanceof Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof Array a) {
      return List.of((Object[]) a.getArray());
    }
    if (value instanceof PGobject pg && pg.getValue() != null
        && ("jsonb".equals(pg.getType()) || "json".equals(pg.getType()))) {
      try {
        return JSON.readTree(pg.getValue());
      } catch (JsonProcessingException e) {
        throw new SQLException("the database returned invalid JSON", e);
      }
    }
    return value;
  }
}
