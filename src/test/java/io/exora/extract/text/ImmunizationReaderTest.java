package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Immunization;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImmunizationReaderTest {

  private static List<Immunization> shots(String text) {
    return Fixtures.events(text, Immunization.class);
  }

  @Test
  void readsAnImmunizationRecord() {
    assertThat(shots("Immunizations:\nPediarix (DTaP-HepB-IPV) #2 04/10/2025\n"
        + "Rotarix dose 2 on 2025-04-10\nMMRV 2nd dose 14 Mar 2026, Lot: X7781B\n"
        + "Tdap (Boostrix) 3 of 3 March 2, 2026\nInfluenza vaccine 10/01/2025\n"
        + "COVID-19 vaccine (Moderna) 09/20/2025\nShingrix first dose 2025-11-02"))
        .extracting(Immunization::name, Immunization::cvxCode, Immunization::doseNumber,
            Immunization::lotNumber, Immunization::date)
        .containsExactly(
            tuple("DTaP-HepB-IPV", "110", 2, null, LocalDate.of(2025, 4, 10)),
            tuple("Rotavirus, monovalent (RV1)", "119", 2, null, LocalDate.of(2025, 4, 10)),
            tuple("MMRV", "94", 2, "X7781B", LocalDate.of(2026, 3, 14)),
            tuple("Tdap", "115", 3, null, LocalDate.of(2026, 3, 2)),
            tuple("Influenza, unspecified formulation", "88", null, null,
                LocalDate.of(2025, 10, 1)),
            tuple("COVID-19, unspecified formulation", "213", null, null,
                LocalDate.of(2025, 9, 20)),
            tuple("Zoster recombinant", "187", 1, null, LocalDate.of(2025, 11, 2)));
  }

  @Test
  void readsSeveralVaccinesOnOneLine() {
    assertThat(shots("Vaccines given today: DTaP, IPV, Hib, PCV20 and Hep B"))
        .extracting(Immunization::cvxCode)
        .containsExactly("20", "10", "17", "216", "45");
  }

  @Test
  void proseNeedsAWordSayingItWasGiven() {
    assertThat(shots("Flu shot given in clinic today.")).extracting(Immunization::cvxCode)
        .containsExactly("88");
    assertThat(shots("She received Gardasil 9 dose 2 on 01/15/2026."))
        .extracting(Immunization::cvxCode, Immunization::doseNumber, Immunization::date)
        .containsExactly(tuple("165", 2, LocalDate.of(2026, 1, 15)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Immunizations:\nTdap due 2027", "Mother declined the MMR vaccine.",
      "Influenza vaccine recommended this fall.", "Vaccines due at next visit:\nHep A #2",
      "Discussed HPV vaccine with parents.", "Flu vaccine deferred because of fever.",
      "History of chickenpox as a child."})
  void vaccinesDueDeclinedOrMerelyMentionedAreNotGiven(String text) {
    assertThat(shots(text)).as(text).isEmpty();
  }
}
