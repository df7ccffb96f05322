package io.exora.ai;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The instructions a model follows, under a stable name and version. The name and version go into
 * every {@code ai_generations} row, so that a result can be traced to the exact prompt that made it
 * and re-run or re-rated later.
 *
 * @param name a stable identifier ("clinical_events"); also names the vendor-side schema or tool
 * @param version the prompt's version ("2026-11-01", "3")
 * @param instructions the system instructions sent with every call
 */
public record Prompt(String name, String version, String instructions) {
  /** Vendors name schemas and tools with [A-Za-z0-9_-]{1,64}; a dot becomes an underscore there. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  public static final int MAX_VERSION_CHARS = 50;
  public static final int MAX_INSTRUCTION_CHARS = 100_000;

  public Prompt {
    Objects.requireNonNull(name, "prompt name");
    Objects.requireNonNull(version, "prompt version");
    Objects.requireNonNull(instructions, "prompt instructions");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "prompt name must be 1 to 64 characters of A-Z a-z 0-9 _ . - , got '" + name + "'");
    }
    if (version.isBlank() || version.length() > MAX_VERSION_CHARS) {
      throw new IllegalArgumentException("prompt version must be 1 to " + MAX_VERSION_CHARS + " characters");
    }
    if (instructions.isBlank() || instructions.length() > MAX_INSTRUCTION_CHARS) {
      throw new IllegalArgumentException(
          "prompt instructions must be 1 to " + MAX_INSTRUCTION_CHARS + " characters");
    }
  }

  /** The name as OpenAI's json_schema.name and Anthropic's tool name accept it. */
  public String vendorName() {
    return name.replace('.', '_');
  }
}
