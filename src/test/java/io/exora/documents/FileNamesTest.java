package io.exora.documents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNamesTest {
  @Test
  void pathsAndHiddenPrefixesAreStripped() {
    assertThat(FileNames.sanitise("../../etc/passwd")).isEqualTo("passwd");
    assertThat(FileNames.sanitise("C:\\Users\\me\\lab.pdf")).isEqualTo("lab.pdf");
    assertThat(FileNames.sanitise("..")).isEqualTo(FileNames.FALLBACK);
    assertThat(FileNames.sanitise(".bashrc")).isEqualTo("bashrc");
  }

  @Test
  void controlAndInvisibleCharactersAreRemoved() {
    assertThat(FileNames.sanitise("lab\u0000report\n.pdf")).isEqualTo("labreport.pdf");
    assertThat(FileNames.sanitise("evil\u202Efdp.exe")).isEqualTo("evilfdp.exe");
    assertThat(FileNames.sanitise(null)).isEqualTo(FileNames.FALLBACK);
    assertThat(FileNames.sanitise("   ")).isEqualTo(FileNames.FALLBACK);
  }

  @Test
  void longNamesAreCutWithoutSplittingACharacter() {
    String name = "a".repeat(254) + "😀" + "b".repeat(10);
    String safe = FileNames.sanitise(name);
    assertThat(safe.length()).isLessThanOrEqualTo(FileNames.MAX_LENGTH);
    assertThat(Character.isHighSurrogate(safe.charAt(safe.length() - 1))).isFalse();
  }
}
