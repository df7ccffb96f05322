package io.exora.extract.structured;

import java.util.List;
import java.util.Objects;

/**
 * A coded concept as both formats write it: a C-CDA {@code CD} with its translations, or a FHIR
 * CodeableConcept. The first coding is the one the author chose; translations follow.
 *
 * @param text the author's words (C-CDA originalText, FHIR {@code text}); null when absent
 */
record Concept(String text, List<Coding> codings) {

  static final Concept EMPTY = new Concept(null, List.of());

  /** One code; its display is capped like a name. */
  record Coding(CodeSystem system, String code, String display) {
    Coding {
      display = Texts.clean(display, Texts.MAX_NAME_CHARS);
    }
  }

  Concept {
    text = Texts.clean(text, Texts.MAX_NAME_CHARS);
    codings = List.copyOf(codings);
  }

  /** The first code in {@code system}, or null. */
  String code(CodeSystem system) {
    return codings.stream()
        .filter(c -> c.system() == system && c.code() != null)
        .map(Coding::code)
        .findFirst()
        .orElse(null);
  }

  boolean hasCode(CodeSystem system, String code) {
    return codings.stream().anyMatch(c -> c.system() == system && Objects.equals(c.code(), code));
  }

  /** The name a person would read: the author's text, else the first display name; or null. */
  String name() {
    if (text != null) {
      return text;
    }
    return codings.stream().map(Coding::display).filter(Objects::nonNull).findFirst().orElse(null);
  }

  /**
   * A stand-in name built from the first code ("LOINC 718-7"), for a concept that has a code but no
   * words; the event then needs review. Null when there is no code either.
   */
  String codeLabel() {
    return codings.stream()
        .filter(c -> c.code() != null)
        .map(c -> c.system().label() + " " + c.code())
        .findFirst()
        .orElse(null);
  }
}
