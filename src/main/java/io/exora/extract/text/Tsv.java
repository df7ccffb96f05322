package io.exora.extract.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tab-separated vocabulary from the class path: one row a line, "#" starts a comment line,
 * blank lines are skipped. A row with the wrong number of columns fails loading with its line
 * number, so a broken vocabulary is found by the first test, not by a silent miss in production.
 */
final class Tsv {

  private Tsv() {}

  static List<String[]> read(String resource, int columns) {
    InputStream in = Tsv.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("vocabulary resource not found: " + resource);
    }
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        if (cells.length != columns) {
          throw new IllegalStateException(resource + " line " + number + ": expected " + columns
              + " tab-separated columns, found " + cells.length);
        }
        for (int i = 0; i < cells.length; i++) {
          cells[i] = cells[i].strip();
        }
        rows.add(cells);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return rows;
  }

  /** Splits a "|"-separated synonym cell; an empty cell has no synonyms. */
  static List<String> synonyms(String cell) {
    List<String> out = new ArrayList<>();
    for (String s : cell.split("\\|")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  static String emptyToNull(String cell) {
    return cell.isEmpty() ? null : cell;
  }
}
