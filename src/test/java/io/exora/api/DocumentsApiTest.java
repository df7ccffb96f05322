package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.extract.ocr.ImageFixtures;
import io.exora.extract.pdf.PdfFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document path over HTTP on a real server with its worker: upload, processing into clinical
 * events, idempotency, bad inputs (a 10,000-page PDF and a 30,000 x 30,000 image among them), reads,
 * review and soft delete.
 */
class DocumentsApiTest {
  private static TestServer server;
  private static ApiClient api;
  private static Jdbi owner;
  private static String token;
  private static UUID profileId;
  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
    owner = Jdbi.create(server.owner.jdbcUrl(), server.owner.user(), server.owner.password());
    JsonNode parent = api.signup("docs-parent@example.org", "correct horse battery", "Parent");
    token = parent.get("access_token").asText();
    profileId = UUID.fromString(parent.get("profile_id").asText());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- every accepted type, end to end --------------------------------------------------------

  @Test
  void aPlainTextDischargeSummaryBecomesEvents() throws Exception {
    JsonNode file = uploadAndWait("discharge-summary.txt", sample("discharge-summary.txt"));
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(file.get("document_type").asText()).isEqualTo("text");
    assertThat(file.get("clinical_event_count").asInt()).isGreaterThan(5);
    assertThat(eventTypes(file)).contains("medication", "condition");
  }

  @Test
  void aCcdaBecomesCodedEvents() throws Exception {
    JsonNode file = uploadAndWait("visit.xml", sample("ccd-pediatric-visit.xml"));
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(file.get("document_type").asText()).isEqualTo("ccda");
    assertThat(eventTypes(file)).contains("lab_result", "vital_sign", "immunization", "allergy");
  }

  @Test
  void aFhirBundleBecomesEvents() throws Exception {
    JsonNode file = uploadAndWait("bundle.json", sample("fhir-bundle-adult.json"));
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(file.get("document_type").asText()).isEqualTo("fhir");
    assertThat(file.get("clinical_event_count").asInt()).isGreaterThan(10);
  }

  @Test
  void aTypedPdfIsReadFromItsTextLayer() throws Exception {
    JsonNode file = uploadAndWait("labs.pdf", pdf("Hemoglobin A1c 6.9 % (4.0-5.6) H", "Collected: 2026-03-14"));
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(file.get("page_count").asInt()).isEqualTo(1);
    assertThat(file.get("ocr_confidence").isNull()).isTrue();
    JsonNode events = events(file);
    assertThat(events).anySatisfy(e -> {
      assertThat(e.get("event_type").asText()).isEqualTo("lab_result");
      assertThat(e.get("loinc_code").asText()).isEqualTo("4548-4");
      assertThat(e.get("detail").get("value_numeric").decimalValue()).isEqualByComparingTo("6.9");
    });
  }

  @Test
  void aScannedImageIsReadByOcr() throws Exception {
    JsonNode file = uploadAndWait("scan.png", sample("scanned-lab-report.png"));
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(file.get("document_type").asText()).isEqualTo("png");
    assertThat(file.get("ocr_confidence").asDouble()).isBetween(0.5, 1.0);
    assertThat(eventTypes(file)).contains("lab_result");
  }

  // ---- idempotency ----------------------------------------------------------------------------

  @Test
  void theSameKeyAndFileIsReplayedAndADifferentFileIsAConflict() throws Exception {
    byte[] content = "Blood pressure 118/76 mmHg\nPulse 64 bpm\n".getBytes(StandardCharsets.UTF_8);
    ApiClient.Response first = upload("vitals.txt", content, "key-replay-1");
    ApiClient.Response again = upload("vitals.txt", content, "key-replay-1");
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.header("Idempotent-Replayed")).isNull();

    ApiClient.Response other = upload("vitals.txt", "Pulse 90 bpm\n".getBytes(StandardCharsets.UTF_8), "key-replay-1");
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.errorCode()).isEqualTo("idempotency_conflict");
    assertThat(count("select count(*) from public.shell_files where idempotency_key = 'key-replay-1'")).isEqualTo(1);
  }

  @Test
  void concurrentUploadsWithOneKeyMakeOneFileAndOneJob() throws Exception {  // defect 6
    byte[] content = "Temperature 37.2 C\n".getBytes(StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<ApiClient.Response>> replies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      replies.add(pool.submit((Callable<ApiClient.Response>) () -> upload("t.txt", content, "key-concurrent")));
    }
    Set<String> bodies = new HashSet<>();
    for (Future<ApiClient.Response> r : replies) {
      assertThat(r.get().status()).isEqualTo(201);
      bodies.add(r.get().body().toString());
    }
    pool.shutdown();
    assertThat(bodies).hasSize(1);
    UUID fileId = UUID.fromString(replies.get(0).get().body().get("shell_file_id").asText());
    assertThat(count("select count(*) from public.shell_files where idempotency_key = 'key-concurrent'")).isEqualTo(1);
    assertThat(count("select count(*) from public.job_queue_all where shell_file_id = '" + fileId + "'")).isEqualTo(1);
    assertThat(storedObjects()).as("losing uploads removed their stored copies")
        .isEqualTo(count("select count(*) from public.shell_files"));
  }

  // ---- bad inputs: a clear 4xx, nothing left behind --------------------------------------------

  @Test
  void anEmptyFileIsRefused() throws Exception {
    long before = storedObjects();
    ApiClient.Response r = upload("empty.pdf", new byte[0], null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("empty_file");
    assertThat(storedObjects()).isEqualTo(before);
  }

  @Test
  void aFileOverTheLimitIsRefusedWith413() throws Exception {
    long before = storedObjects();
    long rows = count("select count(*) from public.shell_files");
    byte[] big = new byte[50 * 1024 * 1024 + 1];
    System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 9);
    ApiClient.Response r = upload("big.pdf", big, null);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("file_too_large");
    assertThat(storedObjects()).isEqualTo(before);
    assertThat(count("select count(*) from public.shell_files")).isEqualTo(rows);
  }

  @Test
  void anExecutableRenamedPdfIsRefusedWith415() throws Exception {
    long before = storedObjects();
    byte[] elf = new byte[4096];
    System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}, 0, elf, 0, 8);
    ApiClient.Response r = upload("report.pdf", elf, null);
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    assertThat(storedObjects()).isEqualTo(before);
  }

  @Test
  void aPathInTheFileNameIsStrippedAndNeverReachesStorage() throws Exception {
    ApiClient.Response r = upload("../../etc/passwd", "Pulse 70 bpm\n".getBytes(StandardCharsets.UTF_8), null);
    assertThat(r.status()).isEqualTo(201);
    JsonNode file = api.get("/v1/shell-files/" + r.body().get("shell_file_id").asText(), token).body();
    assertThat(file.get("original_filename").asText()).isEqualTo("passwd");
    String key = owner.withHandle(h -> h.createQuery("select storage_path from public.shell_files where id = :id")
        .bind("id", UUID.fromString(r.body().get("shell_file_id").asText())).mapTo(String.class).one());
    assertThat(key).startsWith("shell-files/").doesNotContain("..").doesNotContain("passwd");
  }

  @Test
  void aCorruptPdfFailsItsJobWithAClearError() throws Exception {
    byte[] corrupt = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage".getBytes(StandardCharsets.US_ASCII);
    JsonNode file = uploadAndWait("corrupt.pdf", corrupt);
    assertThat(file.get("status").asText()).isEqualTo("failed");
    assertThat(file.get("processing_error").get("code").asText()).isEqualTo("pdf_corrupt");
    assertThat(file.get("processing_error").get("retryable").asBoolean()).isFalse();
  }

  @Test
  void aPasswordProtectedPdfFailsItsJobWithAClearError() throws Exception {
    JsonNode file = uploadAndWait("locked.pdf", encryptedPdf());
    assertThat(file.get("status").asText()).isEqualTo("failed");
    assertThat(file.get("processing_error").get("code").asText()).isEqualTo("pdf_encrypted");
  }

  @Test
  void anXmlBombFailsItsJobAndTheWorkerCarriesOn() throws Exception {
    String bomb = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
         <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <ClinicalDocument xmlns="urn:hl7-org:v3">&lol3;</ClinicalDocument>""";
    JsonNode file = uploadAndWait("bomb.xml", bomb.getBytes(StandardCharsets.UTF_8));
    assertThat(file.get("status").asText()).isEqualTo("failed");
    assertThat(file.get("processing_error").get("code").asText()).isEqualTo("unsafe_xml");
    assertThat(uploadAndWait("after.txt", "Pulse 72 bpm\n".getBytes(StandardCharsets.UTF_8)).get("status").asText())
        .as("the worker survives").isEqualTo("completed");
  }

  @Test
  void aPdfOfTenThousandPagesFailsItsJobBeforeAnyPageIsRead() throws Exception {
    Path pdf = tmp.resolve("ten-thousand-pages.pdf");
    PdfFixtures.blankPages(pdf, 10_000);

    JsonNode file = uploadAndWait("ten-thousand-pages.pdf", Files.readAllBytes(pdf));

    assertThat(file.get("status").asText()).isEqualTo("failed");
    JsonNode error = file.get("processing_error");
    assertThat(error.get("code").asText()).isEqualTo("too_many_pages");
    assertThat(error.get("stage").asText()).isEqualTo("text_extraction");
    assertThat(error.get("retryable").asBoolean()).isFalse();
    assertThat(error.get("message").asText()).contains("10000 pages").contains("at most 500");
    assertNothingHalfStored(file);
    assertTheWorkerStillProcesses();
  }

  @Test
  void aThirtyThousandPixelSquareImageIsRefusedFromItsHeaderWithoutBeingDecoded() throws Exception {
    // 110 KB on disk; decoded it would be 112 MB even packed at 1 bit a pixel, and 900 MB as the
    // 8-bit grey that OCR reads. The reader takes the size from the IHDR header and stops there.
    byte[] png = Files.readAllBytes(ImageFixtures.hugePng(tmp.resolve("huge.png"), 30_000, 30_000));
    assertThat(png.length).isLessThan(1_000_000);

    long allocatedBefore = allocatedBytes();
    JsonNode file = uploadAndWait("huge.png", png);
    long allocated = allocatedBytes() - allocatedBefore;

    assertThat(file.get("status").asText()).isEqualTo("failed");
    assertThat(file.get("document_type").asText()).isEqualTo("png");
    JsonNode error = file.get("processing_error");
    assertThat(error.get("code").asText()).isEqualTo("image_too_large");
    assertThat(error.get("stage").asText()).isEqualTo("text_extraction");
    assertThat(error.get("retryable").asBoolean()).isFalse();
    assertThat(error.get("message").asText()).contains("30000 x 30000");
    // Everything this JVM allocated meanwhile (server, worker and this client, polling included):
    // far below what one decode of the image would take.
    assertThat(allocated).as("bytes allocated while the image was uploaded and refused").isLessThan(64L << 20);
    assertNothingHalfStored(file);
    assertTheWorkerStillProcesses();
  }

  @Test
  void uploadingForSomeoneElsesProfileIsForbiddenAndStoresNothing() throws Exception {
    JsonNode stranger = api.signup("docs-stranger@example.org", "correct horse battery", "Stranger");
    long before = storedObjects();
    ApiClient.Response r = api.send(api.uploadRequest(stranger.get("access_token").asText(), profileId, "x.txt",
        "Pulse 70 bpm\n".getBytes(StandardCharsets.UTF_8), null));
    assertThat(r.status()).isEqualTo(403);
    assertThat(storedObjects()).isEqualTo(before);
    assertThat(api.get("/v1/shell-files?patient_id=" + profileId, stranger.get("access_token").asText())
        .body().get("shell_files")).isEmpty();
  }

  @Test
  void aRequestWithoutAFileOrTokenIsRefused() {
    HttpRequest.Builder noFile = api.builder("/v1/shell-files", token)
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"patient_id\"\r\n\r\n"
            + profileId + "\r\n--b--\r\n"));
    assertThat(api.send(noFile).status()).isEqualTo(400);
    assertThat(api.send(api.uploadRequest(null, profileId, "a.txt", new byte[] {'a'}, null)).status()).isEqualTo(401);
    assertThat(api.post("/v1/shell-files", token, Map.of("file", "x")).errorCode()).isEqualTo("invalid_upload");
  }

  // ---- reads, review, delete -------------------------------------------------------------------

  @Test
  void aPersonReviewsAnEventAndTheReviewIsKeptWithItsGeneration() throws Exception {
    JsonNode file = uploadAndWait("bp.txt", "Vitals\nBP 150/95 mmHg\n".getBytes(StandardCharsets.UTF_8));
    JsonNode event = events(file).get(0);
    ApiClient.Response reviewed = api.patch("/v1/clinical-events/" + event.get("id").asText(), token,
        Map.of("review_status", "corrected", "event_name", "Blood pressure (home reading)"));
    assertThat(reviewed.status()).isEqualTo(200);
    assertThat(reviewed.body().get("review_status").asText()).isEqualTo("corrected");
    Map<String, Object> review = owner.withHandle(h -> h.createQuery("""
            select action, corrections ->> 'event_name' as name, ai_generation_id is not null as linked
              from public.clinical_event_reviews where event_id = :e""")
        .bind("e", UUID.fromString(event.get("id").asText())).mapToMap().one());
    assertThat(review).containsEntry("action", "corrected").containsEntry("name", "Blood pressure (home reading)")
        .containsEntry("linked", true);
    assertThat(api.patch("/v1/clinical-events/" + event.get("id").asText(), token,
        Map.of("review_status", "approved")).status()).isEqualTo(400);
    assertThat(api.patch("/v1/clinical-events/" + UUID.randomUUID(), token,
        Map.of("review_status", "confirmed")).status()).isEqualTo(404);
  }

  @Test
  void eventsAreFilteredByTypeAndDate() throws Exception {
    uploadAndWait("mixed.txt", "Visit date: 2025-02-03\nVitals\nPulse 66 bpm\nMedications\nMetformin 500 mg PO BID\n"
        .getBytes(StandardCharsets.UTF_8));
    JsonNode meds = api.get("/v1/profiles/" + profileId + "/clinical-events?type=medication", token).body().get("events");
    assertThat(meds).isNotEmpty().allSatisfy(e -> assertThat(e.get("event_type").asText()).isEqualTo("medication"));
    JsonNode feb = api.get("/v1/profiles/" + profileId + "/clinical-events?from=2025-02-03&to=2025-02-03", token)
        .body().get("events");
    assertThat(feb).isNotEmpty().allSatisfy(e -> assertThat(e.get("event_date").asText()).startsWith("2025-02-03"));
    assertThat(api.get("/v1/profiles/" + profileId + "/clinical-events?type=gossip", token).status()).isEqualTo(400);
    assertThat(api.get("/v1/profiles/" + profileId + "/clinical-events?from=yesterday", token).status()).isEqualTo(400);
  }

  @Test
  void aSoftDeletedFileDisappearsFromReads() throws Exception {
    JsonNode file = uploadAndWait("gone.txt", "Pulse 61 bpm\n".getBytes(StandardCharsets.UTF_8));
    String id = file.get("id").asText();
    assertThat(api.delete("/v1/shell-files/" + id, token).status()).isEqualTo(204);
    assertThat(api.get("/v1/shell-files/" + id, token).status()).isEqualTo(404);
    assertThat(api.delete("/v1/shell-files/" + id, token).status()).isEqualTo(404);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * A failed file is kept whole or not at all: its row and its stored object (so a person sees
   * what failed), no events or detail rows, and one job that ended on its first attempt.
   */
  private static void assertNothingHalfStored(JsonNode file) throws IOException {
    UUID id = UUID.fromString(file.get("id").asText());
    assertThat(file.get("clinical_event_count").asInt()).isZero();
    assertThat(count("select count(*) from public.patient_clinical_events where shell_file_id = '" + id + "'")).isZero();
    assertThat(count("select count(*) from public.healthcare_encounters where shell_file_id = '" + id + "'")).isZero();
    Map<String, Object> job = owner.withHandle(h -> h.createQuery("""
            select status, attempt from public.job_queue_all where shell_file_id = :id""")
        .bind("id", id).mapToMap().one());
    assertThat(job).containsEntry("status", "completed").containsEntry("attempt", 1);
    String key = owner.withHandle(h -> h.createQuery("select storage_path from public.shell_files where id = :id")
        .bind("id", id).mapTo(String.class).one());
    assertThat(server.dataDir.resolve("objects").resolve(key)).isRegularFile();
    assertThat(storedObjects()).as("one stored object per registered file")
        .isEqualTo(count("select count(*) from public.shell_files"));
  }

  private static void assertTheWorkerStillProcesses() throws Exception {
    JsonNode after = uploadAndWait("after.txt", "Pulse 68 bpm\n".getBytes(StandardCharsets.UTF_8));
    assertThat(after.get("status").asText()).as("the worker survives").isEqualTo("completed");
    assertThat(after.get("clinical_event_count").asInt()).isPositive();
  }

  /** Every byte this JVM has allocated so far (virtual threads count on their carriers). */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
  }

  private static JsonNode uploadAndWait(String name, byte[] content) throws Exception {
    ApiClient.Response r = upload(name, content, null);
    assertThat(r.status()).as("upload of %s: %s", name, r.body()).isEqualTo(201);
    String id = r.body().get("shell_file_id").asText();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode file = api.get("/v1/shell-files/" + id, token).body();
      String status = file.get("status").asText();
      if (status.equals("completed") || status.equals("failed")) {
        return file;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " was not processed in time");
  }

  private static ApiClient.Response upload(String name, byte[] content, String key) {
    return api.send(api.uploadRequest(token, profileId, name, content, key));
  }

  private static JsonNode events(JsonNode file) {
    List<JsonNode> mine = new ArrayList<>();
    for (JsonNode e : api.get("/v1/profiles/" + profileId + "/clinical-events?limit=500", token).body().get("events")) {
      if (e.get("shell_file_id").asText().equals(file.get("id").asText())) {
        mine.add(e);
      }
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(mine);
  }

  private static Set<String> eventTypes(JsonNode file) {
    Set<String> types = new HashSet<>();
    events(file).forEach(e -> types.add(e.get("event_type").asText()));
    return types;
  }

  private static long count(String sql) {
    return owner.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private static long storedObjects() throws IOException {
    Path objects = server.dataDir.resolve("objects");
    if (!Files.exists(objects)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(objects)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("~")).count();
    }
  }

  private static byte[] sample(String name) throws IOException {
    try (InputStream in = DocumentsApiTest.class.getResourceAsStream("/samples/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] pdf(String... lines) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
        text.beginText();
        text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
        text.newLineAtOffset(72, 720);
        for (String line : lines) {
          text.showText(line);
          text.newLineAtOffset(0, -16);
        }
        text.endText();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  private static byte[] encryptedPdf() throws IOException {
    try (PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf("Secret results"))) {
      StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-pw", "user-pw", new AccessPermission());
      policy.setEncryptionKeyLength(128);
      doc.protect(policy);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }
}
