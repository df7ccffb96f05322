package io.exora.extract.ocr;

import static io.exora.extract.ocr.ImageReaderTest.assertUnreadable;
import static org.assertj.core.api.Assertions.assertThat;

import io.exora.extract.UnreadableDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TesseractTest {

  @TempDir Path dir;

  @Test
  void readsTextAndConfidenceFromTheRealEngine() throws Exception {
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("Triglycerides 182 mg/dL"));

    OcrResult result = new Tesseract().read(png, null);

    assertThat(result.text()).isEqualTo("Triglycerides 182 mg/dL");
    assertThat(result.words()).isEqualTo(3);
    assertThat(result.confidence()).isBetween(0.85, 1.0);
  }

  @Test
  void killsAnEngineThatRunsPastTheTimeoutAndEverythingItStarted() throws Exception {
    // Stands in for a hung engine: starts a child that would outlive it, then waits forever.
    Path pids = dir.resolve("pids");
    Path hung = script("hung-tesseract", "sleep 300 &\necho $$ $! > '" + pids + "'\nwait\n");
    Tesseract tesseract = new Tesseract(new Tesseract.Config(hung.toString(), "eng", Duration.ofMillis(700)));
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("x"));
    List<Path> workDirsBefore = ocrWorkDirs();

    long start = System.nanoTime();
    UnreadableDocument e = assertUnreadable(() -> tesseract.read(png, null), UnreadableDocument.OCR_TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(e.retryable()).isTrue();
    assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
    for (String pid : Files.readString(pids).strip().split(" ")) {
      // SIGKILL is delivered at once, but an orphan is reaped by init a moment later.
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
    }
    assertThat(ocrWorkDirs()).isEqualTo(workDirsBefore);
  }

  @Test
  void aMissingBinaryIsRetryableUnavailability() throws Exception {
    Tesseract tesseract = new Tesseract(new Tesseract.Config("/nonexistent/tesseract", "eng", Duration.ofSeconds(5)));
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("x"));

    UnreadableDocument e = assertUnreadable(() -> tesseract.read(png, null), UnreadableDocument.OCR_UNAVAILABLE);

    assertThat(e.retryable()).isTrue();
    assertThat(e).hasMessageContaining("tesseract-ocr");
  }

  @Test
  void aMissingLanguageIsRetryableUnavailability() throws Exception {
    Tesseract tesseract = new Tesseract(new Tesseract.Config("tesseract", "zzz", Duration.ofSeconds(30)));
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("x"));

    UnreadableDocument e = assertUnreadable(() -> tesseract.read(png, null), UnreadableDocument.OCR_UNAVAILABLE);

    assertThat(e.retryable()).isTrue();
    assertThat(e).hasMessageContaining("tesseract-ocr-zzz");
  }

  @Test
  void anEngineFailureIsAPermanentOcrFailure() throws Exception {
    Path failing = script("failing-tesseract", "echo 'Segmentation fault' >&2\nexit 139\n");
    Tesseract tesseract = new Tesseract(new Tesseract.Config(failing.toString(), "eng", Duration.ofSeconds(5)));
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("x"));

    UnreadableDocument e = assertUnreadable(() -> tesseract.read(png, null), UnreadableDocument.OCR_FAILED);

    assertThat(e.retryable()).isFalse();
  }

  @Test
  void runsWithOneOpenMpThreadAndTheRequestedOptions() throws Exception {
    Path args = dir.resolve("args");
    Path recording = script("recording-tesseract",
        "echo \"$OMP_THREAD_LIMIT $*\" > '" + args + "'\n"
            + "printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n'\n"
            + "printf '5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t9\\t9\\t90\\tok\\n'\n");
    Tesseract tesseract = new Tesseract(new Tesseract.Config(recording.toString(), "eng", Duration.ofSeconds(5)));
    Path png = ImageFixtures.write(dir, "line.png", "png", ImageFixtures.text("x"));

    OcrResult result = tesseract.read(png, 300);

    assertThat(result).isEqualTo(new OcrResult("ok", 0.9, 1));
    assertThat(Files.readString(args).strip())
        .isEqualTo("1 " + png.toAbsolutePath() + " stdout -l eng --psm 3 --dpi 300 tsv");
  }

  private Path script(String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static List<Path> ocrWorkDirs() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("exora-ocr-")).sorted().toList();
    }
  }
}
