package io.exora.extract.ocr;

/**
 * What Tesseract read on one image.
 *
 * @param text lines in reading order; paragraphs separated by a blank line
 * @param confidence the mean word confidence in 0..1; 0 when no word was found
 * @param words how many words the confidence is the mean of
 */
public record OcrResult(String text, double confidence, int words) {}
