package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ratelimit.VendorSignal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the provider tests share: a clinical schema, a prompt, a fixed clock and recording doubles. */
final class AiFixtures {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final InstantSource CLOCK = InstantSource.fixed(NOW);

  static final Prompt PROMPT = new Prompt("vitals.extract", "3",
      "Read the document and list every vital sign it reports, with its unit. Answer with the schema.");

  /** Vital signs from a clinic letter: OpenAI-strict (every property required, objects closed). */
  static final JsonNode SCHEMA = json("""
      {
        "type": "object",
        "additionalProperties": false,
        "required": ["document_date", "vitals"],
        "properties": {
          "document_date": {"type": ["string", "null"], "format": "date",
                            "description": "the date the document was written"},
          "vitals": {
            "type": "array",
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": ["kind", "value", "secondary", "unit"],
              "properties": {
                "kind": {"type": "string", "enum": ["blood_pressure", "heart_rate", "temperature"]},
                "value": {"type": "number", "minimum": 0, "maximum": 400},
                "secondary": {"type": ["number", "null"], "description": "diastolic pressure"},
                "unit": {"type": "string", "minLength": 1}
              }
            }
          }
        }
      }
      """);

  static final String LETTER = "Clinic letter, 2 November 2026. BP 128/82 mmHg, HR 71 bpm.";

  /** An answer that conforms to {@link #SCHEMA}. */
  static final String GOOD_OUTPUT = """
      {"document_date":"2026-11-02","vitals":[
        {"kind":"blood_pressure","value":128,"secondary":82,"unit":"mmHg"},
        {"kind":"heart_rate","value":71,"secondary":null,"unit":"bpm"}]}""";

  /** JSON that breaks {@link #SCHEMA} at /vitals/0/kind (not in the enum) and /vitals/0/value (negative). */
  static final String OFF_SCHEMA_OUTPUT = """
      {"document_date":"2026-11-02","vitals":[{"kind":"pulse","value":-3,"secondary":null,"unit":"bpm"}]}""";

  static ExtractionRequest request(String model) {
    return ExtractionRequest.ofText(PROMPT, LETTER, SCHEMA, model, 1_000);
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** Records every wait instead of waiting. */
  static final class RecordingSleeper implements RetryPolicy.Sleeper {
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
      waits.add(duration);
    }
  }

  /** Records every signal a provider reports. */
  static final class RecordingListener implements SignalListener {
    final List<VendorSignal> signals = new CopyOnWriteArrayList<>();
    final List<String> models = new CopyOnWriteArrayList<>();

    @Override
    public void onSignal(String provider, String model, VendorSignal signal) {
      signals.add(signal);
      models.add(provider + "/" + model);
    }
  }

  /** The production HTTP client and a retry policy on the fixed clock, with a seeded random. */
  static VendorHttp http(Duration timeout, int maxAttempts, RecordingSleeper sleeper, SignalListener listener) {
    RetryPolicy retry = new RetryPolicy(
        new RetryPolicy.Settings(maxAttempts, Duration.ofMillis(500), Duration.ofSeconds(30)),
        sleeper, CLOCK, new Random(42));
    return new VendorHttp(VendorHttp.client(timeout), timeout, CLOCK, retry, listener);
  }

  private AiFixtures() {}
}
