package io.exora.extract.accuracy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The labelled set under {@code src/test/resources/accuracy/}: each {@code NN-name.DELIVERY.txt}
 * with its {@code NN-name.labels}. A document without labels, or labels without a document, is an
 * error: the set is only as good as its pairing.
 */
public final class AccuracySet {

  /** Where the set lives in the source tree (the bench reads it from there). */
  public static final Path SOURCE = Path.of("src/test/resources/accuracy");

  private static final Pattern DOCUMENT = Pattern.compile("(.+)\\.(text|pdf|png)\\.txt");

  /** How a document reaches the extractor: as uploaded text, a typed PDF, or a scanned PNG. */
  public enum Delivery { TEXT, PDF, PNG }

  public record Document(String name, Delivery delivery, String source, LabelFile.Labels labels) {}

  private AccuracySet() {}

  /** The set as the test class path holds it. */
  public static List<Document> fromClasspath() {
    URL url = AccuracySet.class.getResource("/accuracy/README.md");
    if (url == null) {
      throw new IllegalStateException("the accuracy set is not on the class path");
    }
    try {
      return load(Path.of(url.toURI()).getParent());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static List<Document> load(Path dir) {
    List<Document> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sorted = files.sorted().toList();
      for (Path file : sorted) {
        String fileName = file.getFileName().toString();
        Matcher m = DOCUMENT.matcher(fileName);
        if (m.matches()) {
          Path labels = dir.resolve(m.group(1) + ".labels");
          if (!Files.exists(labels)) {
            throw new IllegalStateException(fileName + " has no " + labels.getFileName());
          }
          documents.add(new Document(m.group(1), Delivery.valueOf(m.group(2).toUpperCase()),
              Files.readString(file, StandardCharsets.UTF_8), LabelFile.read(labels)));
        } else if (fileName.endsWith(".labels")) {
          String stem = fileName.substring(0, fileName.length() - ".labels".length());
          boolean hasDocument = sorted.stream().anyMatch(p ->
              DOCUMENT.matcher(p.getFileName().toString()).matches()
                  && p.getFileName().toString().startsWith(stem + "."));
          if (!hasDocument) {
            throw new IllegalStateException(fileName + " labels no document");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }
}
