package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Token prices per provider and model, from a versioned resource file. Every cost is recorded
 * with the table's version, so past calls can be re-rated when prices change: a new price list is
 * a new file (and version), never an edit of an old one.
 *
 * <p>A model is found by the name the vendor returned, else by the name requested (vendors
 * return dated snapshots, "gpt-4o-mini-2024-07-18", of the alias asked for), else by the
 * provider's "*" row. An unknown model has no price: its cost is null, not a guess, and not a crash.
 */
public final class PriceTable {
  public static final String DEFAULT_RESOURCE = "/ai/prices-2026-11.json";

  /** Prices per million tokens; {@code cachedInput} is the price of input read from a cache. */
  public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
    public Price {
      for (BigDecimal p : new BigDecimal[] {input, cachedInput, output}) {
        if (p == null || p.signum() < 0) {
          throw new IllegalArgumentException("prices must be present and not negative");
        }
      }
    }
  }

  /** A call's cost in the table's currency, or null when the model has no price; and the table's version. */
  public record Cost(BigDecimal amount, String priceVersion) {
    public Cost {
      Objects.requireNonNull(priceVersion, "priceVersion");
    }
  }

  private final String version;
  private final String currency;
  private final Map<String, Map<String, Price>> prices;

  private PriceTable(String version, String currency, Map<String, Map<String, Price>> prices) {
    this.version = version;
    this.currency = currency;
    this.prices = prices;
  }

  /** The table this build ships ({@value #DEFAULT_RESOURCE}). */
  public static PriceTable load() {
    try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("price table " + DEFAULT_RESOURCE + " is not on the classpath");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + DEFAULT_RESOURCE, e);
    }
  }

  /** Reads a table: {@code {version, currency, prices: {provider: {model: {input, cached_input, output}}}}}. */
  public static PriceTable read(InputStream in) throws IOException {
    JsonNode root = Json.MAPPER.readTree(in);
    String version = root.path("version").asText("");
    if (version.isBlank()) {
      throw new IllegalArgumentException("the price table has no version");
    }
    Map<String, Map<String, Price>> prices = new HashMap<>();
    for (var provider : root.path("prices").properties()) {
      Map<String, Price> models = new HashMap<>();
      for (var model : provider.getValue().properties()) {
        JsonNode p = model.getValue();
        String where = provider.getKey() + "/" + model.getKey();
        BigDecimal input = number(p, "input", where);
        models.put(model.getKey(), new Price(input,
            p.has("cached_input") ? number(p, "cached_input", where) : input, number(p, "output", where)));
      }
      prices.put(provider.getKey(), Map.copyOf(models));
    }
    return new PriceTable(version, root.path("currency").asText("USD"), Map.copyOf(prices));
  }

  private static BigDecimal number(JsonNode price, String field, String where) {
    JsonNode n = price.get(field);
    if (n == null || !n.isNumber() || n.decimalValue().signum() < 0) {
      throw new IllegalArgumentException("price table " + where + ": " + field + " must be a number >= 0");
    }
    return n.decimalValue();
  }

  public String version() {
    return version;
  }

  public String currency() {
    return currency;
  }

  public Optional<Price> price(String provider, String model) {
    Map<String, Price> models = prices.getOrDefault(provider, Map.of());
    return Optional.ofNullable(model == null ? null : models.get(model))
        .or(() -> Optional.ofNullable(models.get("*")));
  }

  /**
   * {@code ((input - cached) * input price + cached * cached price + output * output price) / 1e6},
   * exact (no rounding). Null amount when neither model is priced.
   */
  public Cost cost(String provider, String modelReturned, String modelRequested, Usage usage) {
    Map<String, Price> models = prices.getOrDefault(provider, Map.of());
    Price p = modelReturned != null && models.containsKey(modelReturned) ? models.get(modelReturned)
        : price(provider, modelRequested).orElse(null);
    if (p == null) {
      return new Cost(null, version);
    }
    BigDecimal amount = p.input().multiply(BigDecimal.valueOf(usage.inputTokens() - usage.cachedTokens()))
        .add(p.cachedInput().multiply(BigDecimal.valueOf(usage.cachedTokens())))
        .add(p.output().multiply(BigDecimal.valueOf(usage.outputTokens())))
        .movePointLeft(6);
    return new Cost(amount, version);
  }
}
