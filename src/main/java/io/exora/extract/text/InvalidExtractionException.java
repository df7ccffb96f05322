package io.exora.extract.text;

/**
 * Clinical extraction JSON that does not fit the schema or the model. The message names the place
 * as a JSON pointer ("/events/3/vital_type: ...") so a provider's answer can be logged and
 * diagnosed, and never contains more of the document than that place's value.
 */
public final class InvalidExtractionException extends RuntimeException {

  public InvalidExtractionException(String message) {
    super(message);
  }
}
