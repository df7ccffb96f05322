package io.exora.extract.ocr;

import io.exora.extract.UnreadableDocument;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCR through the {@code tesseract} command (Debian: {@code tesseract-ocr} and
 * {@code tesseract-ocr-eng}), one image per call.
 *
 * <p>Each call runs one process in a fresh temporary directory that is deleted afterwards, with
 * OpenMP held to one thread (Tesseract otherwise takes every core, and workers already run pages
 * in parallel), and a timeout after which the process and anything it started are killed. A
 * separate process keeps a crash or a runaway allocation in the OCR engine out of the JVM.
 *
 * <p>Thread-safe: calls share nothing.
 */
public final class Tesseract {

  public static final String DEFAULT_BINARY = "tesseract";
  public static final String DEFAULT_LANGUAGE = "eng";
  /** Generous for one page at 300 DPI on one thread (typically 2-10 s); a hung engine is killed. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** Fully automatic page segmentation, without orientation detection. */
  private static final String PAGE_SEGMENTATION_MODE = "3";
  /** A page's TSV is tens of kilobytes; far more means the engine read noise as text. */
  private static final long MAX_TSV_BYTES = 16L * 1024 * 1024;
  private static final int MAX_STDERR_LOGGED = 2000;

  private static final Logger log = LoggerFactory.getLogger(Tesseract.class);

  /**
   * @param binary the command, found on the PATH unless it is a path
   * @param language Tesseract language codes, e.g. {@code eng} or {@code eng+deu}
   * @param timeout per image
   */
  public record Config(String binary, String language, Duration timeout) {
    public Config {
      Objects.requireNonNull(binary, "binary");
      Objects.requireNonNull(language, "language");
      Objects.requireNonNull(timeout, "timeout");
      if (binary.isBlank()) {
        throw new IllegalArgumentException("tesseract binary must not be blank");
      }
      if (!language.matches("[a-z_]+(\\+[a-z_]+)*")) {
        throw new IllegalArgumentException("tesseract language must look like eng or eng+deu, got " + language);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("tesseract timeout must be positive, got " + timeout);
      }
    }

    public static Config defaults() {
      return new Config(DEFAULT_BINARY, DEFAULT_LANGUAGE, DEFAULT_TIMEOUT);
    }
  }

  private final Config config;

  public Tesseract(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public Tesseract() {
    this(Config.defaults());
  }

  /**
   * Reads the text on one image file, which the caller has checked is a PNG, JPEG, TIFF or PNM
   * by its content. Unchecked files must not come here: when Leptonica does not recognise a file
   * as an image, Tesseract reads it as a list of image paths to OCR, any file on the server.
   *
   * @param dpi the image's resolution when the caller knows it (a rendered PDF page), else null
   *     and Tesseract takes it from the file or estimates it
   * @throws UnreadableDocument {@code ocr_unavailable} (retryable) when Tesseract or its language
   *     data is not installed, {@code ocr_timeout} (retryable) when it ran past the timeout,
   *     {@code image_corrupt} when it could not decode the image, {@code ocr_failed} when it
   *     failed otherwise
   * @throws IOException when the temporary directory cannot be made or read
   */
  public OcrResult read(Path image, Integer dpi) throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("exora-ocr-");
    try {
      return run(image, dpi, work);
    } finally {
      deleteRecursively(work);
    }
  }

  /**
   * Reads the text on an image in memory (a rendered PDF page, a TIFF frame), handed to Tesseract
   * as an uncompressed grey PNM file: no compression time, and the format Leptonica reads fastest.
   *
   * @param dpi the image's resolution when known, else null
   */
  public OcrResult read(BufferedImage image, Integer dpi) throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("exora-ocr-");
    try {
      Path pgm = work.resolve("page.pgm");
      GrayImages.writePgm(GrayImages.toGray(image), pgm);
      return run(pgm, dpi, work);
    } finally {
      deleteRecursively(work);
    }
  }

  private OcrResult run(Path image, Integer dpi, Path work) throws IOException, InterruptedException {
    Path out = work.resolve("out.tsv");
    Path err = work.resolve("stderr.txt");
    List<String> command = new ArrayList<>(List.of(
        config.binary(), image.toAbsolutePath().toString(), "stdout",
        "-l", config.language(), "--psm", PAGE_SEGMENTATION_MODE));
    if (dpi != null) {
      command.addAll(List.of("--dpi", Integer.toString(dpi)));
    }
    command.add("tsv");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(work.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().put("OMP_THREAD_LIMIT", "1");

    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UnreadableDocument(UnreadableDocument.OCR_UNAVAILABLE,
          "OCR is not available on this server (the tesseract command was not found); an operator"
              + " must install tesseract-ocr and tesseract-ocr-eng", true, e);
    }
    try {
      if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new UnreadableDocument(UnreadableDocument.OCR_TIMEOUT,
            "OCR did not finish a page within " + config.timeout().toSeconds() + " seconds", true, null);
      }
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }

    String stderr = head(err, MAX_STDERR_LOGGED);
    if (process.exitValue() != 0) {
      if (stderr.contains("Failed loading language") || stderr.contains("Error opening data file")) {
        log.error("tesseract has no data for language {}: {}", config.language(), stderr);
        throw new UnreadableDocument(UnreadableDocument.OCR_UNAVAILABLE,
            "OCR is not available on this server (no language data for '" + config.language()
                + "'); an operator must install tesseract-ocr-"
                + config.language().replace("+", " and tesseract-ocr-"), true, null);
      }
      if (stderr.contains("pix not read") || stderr.contains("cannot be read")) {
        log.info("tesseract could not decode the image: {}", stderr);
        throw new UnreadableDocument(UnreadableDocument.IMAGE_CORRUPT,
            "The image is damaged or truncated and cannot be read");
      }
      log.warn("tesseract exited with {}: {}", process.exitValue(), stderr);
      throw new UnreadableDocument(UnreadableDocument.OCR_FAILED,
          "OCR could not read the image (the OCR engine stopped with exit code " + process.exitValue() + ")");
    }
    if (Files.size(out) > MAX_TSV_BYTES) {
      throw new UnreadableDocument(UnreadableDocument.OCR_FAILED,
          "OCR produced an implausible amount of output for one page; the image is probably noise");
    }
    return TesseractTsv.parse(Files.readString(out, StandardCharsets.UTF_8));
  }

  /** Kills the process and anything it started, and waits (briefly) for it to go. */
  private static void kill(Process process) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();  // before the parent dies and they are re-parented
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      log.error("tesseract process {} did not die within 5 s of SIGKILL", process.pid());
    }
  }

  private static String head(Path file, int maxChars) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(maxChars), StandardCharsets.UTF_8).strip();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("could not delete OCR temporary file {}", p, e);
        }
      });
    } catch (IOException e) {
      log.warn("could not delete OCR temporary directory {}", dir, e);
    }
  }
}
