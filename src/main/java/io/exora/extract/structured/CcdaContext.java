package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the section readers of one C-CDA share: the narrative, which coded entries point into for
 * their human-readable words ({@code <reference value="#result1"/>}), and the notes on what was
 * left out.
 */
final class CcdaContext {

  private final Map<String, Element> narrativeById = new HashMap<>();

  /**
   * Words per referenced ID, computed once: many entries may point into one large narrative block,
   * and re-reading it for each would make the cost quadratic in the document's size.
   */
  private final Map<String, String> wordsById = new HashMap<>();

  private final List<String> notes = new ArrayList<>();

  CcdaContext(Document document) {
    // DOM's getElementById needs a DTD to know which attribute is an ID; CDA has none, so index
    // the narrative's ID attributes directly.
    NodeList all = document.getElementsByTagNameNS(CdaXml.V3, "*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      String id = attr(e, "ID");
      if (id != null) {
        narrativeById.putIfAbsent(id, e);
      }
    }
  }

  void note(String note) {
    notes.add(note);
  }

  List<String> notes() {
    return notes;
  }

  /** A CD, CE or CO element with its translations; {@link Concept#EMPTY} for null. */
  Concept concept(Element cd) {
    if (cd == null) {
      return Concept.EMPTY;
    }
    List<Concept.Coding> codings = new ArrayList<>();
    addCoding(cd, codings);
    for (Element translation : children(cd, "translation")) {
      addCoding(translation, codings);
    }
    return new Concept(narrative(child(cd, "originalText")), codings);
  }

  /**
   * The words of a text-bearing element (originalText, text): the narrative it references, else its
   * own text; null when it has neither.
   */
  String narrative(Element textual) {
    if (textual == null) {
      return null;
    }
    String ref = attr(child(textual, "reference"), "value");
    if (ref != null) {
      String id = ref.startsWith("#") ? ref.substring(1) : ref;
      Element referenced = narrativeById.get(id);
      if (referenced != null) {
        String words =
            wordsById.computeIfAbsent(
                id, k -> Objects.requireNonNullElse(NarrativeText.of(referenced), ""));
        return words.isEmpty() ? null : words;
      }
    }
    return NarrativeText.of(textual);
  }

  /**
   * The source text kept with an event: where it is ("Results, entry 2") and the narrative the
   * clinical statement points to, so a reviewer can find it in the rendered document.
   */
  String source(CcdaSection section, int entryIndex, Element statement) {
    String where = section.title() + ", entry " + (entryIndex + 1);
    String words = narrative(child(statement, "text"));
    return words == null ? where : where + ": " + words;
  }

  private static void addCoding(Element cd, List<Concept.Coding> codings) {
    String code = attr(cd, "code");
    String display = attr(cd, "displayName");
    if (code != null || display != null) {
      codings.add(
          new Concept.Coding(
              CodeSystem.fromOid(attr(cd, "codeSystem")), code, Texts.clean(display)));
    }
  }
}
