package io.exora.extract.text;

import java.util.BitSet;

/**
 * A line with OCR look-alikes inside numbers read as digits: "l3.5" is 13.5, "1O.2" is 10.2,
 * "O3/l4/2O26" is 03/14/2026. The copy has the same length as the line, so a position found in one
 * is the same in the other, and {@link #corrected(int, int)} tells whether a span was changed.
 *
 * <p>A letter is read as a digit only inside a token that holds a real digit, and only where a
 * digit or a number separator stands beside it and no letter follows; so "CO2", "T4", "10 lbs" and
 * "10lbs" keep their letters.
 */
final class OcrDigits {

  private final String text;
  private final BitSet corrected;

  private OcrDigits(String text, BitSet corrected) {
    this.text = text;
    this.corrected = corrected;
  }

  static OcrDigits of(String line) {
    char[] out = line.toCharArray();
    BitSet changed = new BitSet();
    int i = 0;
    while (i < out.length) {
      if (!isNumberChar(out[i]) || (i > 0 && Character.isLetter(line.charAt(i - 1)))) {
        i++;
        continue;
      }
      int end = i;
      while (end < out.length && isNumberChar(out[end])) {
        end++;
      }
      boolean followedByLetter = end < out.length && Character.isLetter(line.charAt(end));
      int tokenEnd = end;
      if (followedByLetter) {
        // "10lbs": trailing look-alikes belong to the word that follows, not to the number.
        while (tokenEnd > i && isLookAlike(line.charAt(tokenEnd - 1))) {
          tokenEnd--;
        }
      }
      if (hasDigit(line, i, tokenEnd)) {
        for (int k = i; k < tokenEnd; k++) {
          char c = line.charAt(k);
          if (isLookAlike(c) && (neighbourIsNumeric(line, k - 1, i, tokenEnd)
              || neighbourIsNumeric(line, k + 1, i, tokenEnd))) {
            out[k] = (c == 'O' || c == 'o') ? '0' : '1';
            changed.set(k);
          }
        }
      }
      i = end;
    }
    return new OcrDigits(new String(out), changed);
  }

  String text() {
    return text;
  }

  boolean corrected(int start, int end) {
    int next = corrected.nextSetBit(start);
    return next >= 0 && next < end;
  }

  private static boolean isLookAlike(char c) {
    return c == 'l' || c == 'I' || c == '|' || c == 'O' || c == 'o';
  }

  private static boolean isNumberChar(char c) {
    return Character.isDigit(c) || isLookAlike(c) || c == '.' || c == ',' || c == '/' || c == '-';
  }

  private static boolean hasDigit(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (Character.isDigit(s.charAt(k))) {
        return true;
      }
    }
    return false;
  }

  private static boolean neighbourIsNumeric(String s, int k, int from, int to) {
    if (k < from || k >= to) {
      return false;
    }
    char c = s.charAt(k);
    return Character.isDigit(c) || c == '.' || c == ',' || c == '/' || c == '-';
  }
}
