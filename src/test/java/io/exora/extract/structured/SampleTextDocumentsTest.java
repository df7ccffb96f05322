package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plain-text samples are read by the free-text extractor, not by this package; these tests keep
 * them honest: fictional, complete, and with every H/L flag agreeing with its range.
 */
class SampleTextDocumentsTest {

  private static String text(String name) {
    return new String(Samples.sample(name), StandardCharsets.UTF_8);
  }

  /** One result row of the lab report's fixed-width tables. */
  private record Row(String test, BigDecimal value, String flag, String unit, String range) {}

  private static final Pattern ROW =
      Pattern.compile(
          "^(?<test>\\S.{0,31}?)\\s+(?<value>\\d+(?:\\.\\d+)?)  (?<flag>[HL ]?)"
              + " {0,5}(?<unit>\\S*)\\s*(?<range>.*)$");

  private static List<Row> labRows() {
    List<Row> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : text("lab-report.txt").split("\n")) {
      if (line.startsWith("TEST ")) {
        inTable = true;
      } else if (line.isBlank() || line.startsWith("-")) {
        inTable = false;
      } else if (inTable) {
        Matcher m = ROW.matcher(line);
        assertThat(m.matches()).as("a result row: %s", line).isTrue();
        rows.add(
            new Row(
                m.group("test").trim(),
                new BigDecimal(m.group("value")),
                m.group("flag").trim(),
                m.group("unit"),
                m.group("range").trim()));
      }
    }
    return rows;
  }

  @Test
  void everySampleSaysItIsFictional() {
    for (String name : List.of("discharge-summary.txt", "lab-report.txt")) {
      assertThat(text(name)).startsWith("SAMPLE DOCUMENT - FICTIONAL PATIENT.");
    }
    assertThat(text("ccd-pediatric-visit.xml"))
        .contains(
            "Every person, organisation, identifier, address and telephone number in this\n"
                + "  file is fictional");
    assertThat(text("fhir-bundle-adult.json")).contains("FICTIONAL PATIENT").contains("\"HTEST\"");
  }

  @Test
  void theLabReportHoldsTheFourPanels() {
    String report = text("lab-report.txt");
    assertThat(report)
        .contains(
            "COMPLETE BLOOD COUNT (CBC)",
            "COMPREHENSIVE METABOLIC PANEL (CMP)",
            "LIPID PANEL",
            "HEMOGLOBIN A1c",
            "Collected:",
            "Reported:",
            "Patient:");
    assertThat(labRows())
        .hasSize(40)
        .extracting(Row::test)
        .contains("Hemoglobin", "Creatinine", "LDL cholesterol (calculated)", "Hemoglobin A1c");
  }

  @Test
  void everyFlagAgreesWithItsReferenceRange() {
    Pattern between = Pattern.compile("(\\d+(?:\\.\\d+)?)-(\\d+(?:\\.\\d+)?)");
    Pattern bound = Pattern.compile("(<|>=)(\\d+(?:\\.\\d+)?)");
    int checked = 0;
    for (Row row : labRows()) {
      String expected;
      Matcher m;
      if ((m = between.matcher(row.range())).matches()) {
        BigDecimal low = new BigDecimal(m.group(1));
        BigDecimal high = new BigDecimal(m.group(2));
        expected =
            row.value().compareTo(low) < 0 ? "L" : row.value().compareTo(high) > 0 ? "H" : "";
      } else if ((m = bound.matcher(row.range())).matches()) {
        BigDecimal limit = new BigDecimal(m.group(2));
        expected =
            m.group(1).equals("<")
                ? (row.value().compareTo(limit) < 0 ? "" : "H")
                : (row.value().compareTo(limit) >= 0 ? "" : "L");
      } else {
        assertThat(row.range()).as("%s has a range or none", row.test()).isEmpty();
        continue;
      }
      assertThat(row.flag())
          .as("flag of %s %s against %s", row.test(), row.value(), row.range())
          .isEqualTo(expected);
      checked++;
    }
    assertThat(checked).isEqualTo(39);
  }

  @Test
  void theCbcIndicesAreArithmeticallyConsistent() {
    var byName = new java.util.HashMap<String, BigDecimal>();
    labRows().forEach(r -> byName.put(r.test(), r.value()));
    BigDecimal rbc = byName.get("RBC");
    BigDecimal hgb = byName.get("Hemoglobin");
    BigDecimal hct = byName.get("Hematocrit");
    assertThat(hct.multiply(BigDecimal.TEN).divide(rbc, 1, java.math.RoundingMode.HALF_UP))
        .isEqualByComparingTo(byName.get("MCV"));
    assertThat(hgb.multiply(BigDecimal.TEN).divide(rbc, 1, java.math.RoundingMode.HALF_UP))
        .isEqualByComparingTo(byName.get("MCH"));
    assertThat(hgb.multiply(new BigDecimal(100)).divide(hct, 1, java.math.RoundingMode.HALF_UP))
        .isEqualByComparingTo(byName.get("MCHC"));
    BigDecimal ldl =
        byName
            .get("Cholesterol, total")
            .subtract(byName.get("HDL cholesterol"))
            .subtract(byName.get("Triglycerides").divide(new BigDecimal(5)));
    assertThat(ldl.setScale(0, java.math.RoundingMode.HALF_UP))
        .as("Friedewald LDL")
        .isEqualByComparingTo(byName.get("LDL cholesterol (calculated)"));
  }

  @Test
  void theDischargeSummaryHasWhatADischargeSummaryNeeds() {
    assertThat(text("discharge-summary.txt"))
        .contains(
            "DISCHARGE SUMMARY",
            "Admission date:",
            "Discharge date:",
            "DIAGNOSES",
            "ALLERGIES",
            "VITAL SIGNS AT DISCHARGE",
            "LABORATORY RESULTS",
            "DISCHARGE MEDICATIONS",
            "FOLLOW-UP",
            "Blood pressure     132/78 mmHg",
            "Amoxicillin-clavulanate 875 mg-125 mg tablet: 1 tablet by mouth twice daily",
            "Insulin glargine 100 units/mL: 12 units subcutaneously once daily at bedtime",
            "Sulfamethoxazole/trimethoprim (sulfa antibiotics): diffuse maculopapular rash");
  }
}
