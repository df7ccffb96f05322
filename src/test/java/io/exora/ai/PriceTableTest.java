package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PriceTableTest {
  static final PriceTable SHIPPED = PriceTable.load();

  static PriceTable table(String json) throws Exception {
    return PriceTable.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theShippedTableHasAVersionAndPricesEveryDefaultModel() {
    assertThat(SHIPPED.version()).isEqualTo("2026-11");
    assertThat(SHIPPED.currency()).isEqualTo("USD");
    for (AiConfig.Provider p : AiConfig.Provider.values()) {
      assertThat(SHIPPED.price(p.id(), p.defaultModel())).as(p.id()).isPresent();
    }
  }

  @Test
  void costIsExactPerMillionWithCachedInputAtItsOwnPrice() {
    // gpt-4o-mini: 0.15 input, 0.075 cached input, 0.60 output per million tokens.
    PriceTable.Cost cost = SHIPPED.cost("openai", "gpt-4o-mini", "gpt-4o-mini", new Usage(1_200, 90, 200));

    // 1,000 x 0.15 + 200 x 0.075 + 90 x 0.60 = 150 + 15 + 54 = 219 per million = 0.000219
    assertThat(cost.amount()).isEqualByComparingTo("0.000219");
    assertThat(cost.priceVersion()).isEqualTo("2026-11");
  }

  @Test
  void oneTokenIsNotRoundedAway() {
    PriceTable.Cost cost = SHIPPED.cost("openai", "gpt-5-nano", "gpt-5-nano", new Usage(1, 0, 1));

    assertThat(cost.amount()).isEqualByComparingTo("0.000000005");
  }

  @Test
  void aDatedSnapshotIsPricedAsTheAliasRequested() {
    PriceTable.Cost cost = SHIPPED.cost("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5",
        new Usage(1_000_000, 1_000_000, 0));

    assertThat(cost.amount()).isEqualByComparingTo("6.00");
  }

  @Test
  void anUnknownModelHasNoCostButKeepsTheVersion() {
    PriceTable.Cost cost = SHIPPED.cost("openai", "gpt-9-ultra", "gpt-9-ultra", new Usage(10, 10, 0));

    assertThat(cost.amount()).isNull();
    assertThat(cost.priceVersion()).isEqualTo("2026-11");
    assertThat(SHIPPED.cost("mystery", "m", "m", new Usage(1, 1, 0)).amount()).isNull();
  }

  @Test
  void localIsFreeWhateverTheEngine() {
    assertThat(SHIPPED.cost("local", "clinical-text@3", "local", new Usage(5_000, 800, 0)).amount())
        .isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Test
  void cachedInputDefaultsToTheInputPrice() throws Exception {
    PriceTable t = table("{\"version\":\"t1\",\"prices\":{\"x\":{\"m\":{\"input\":2,\"output\":4}}}}");

    assertThat(t.cost("x", "m", "m", new Usage(1_000_000, 0, 500_000)).amount()).isEqualByComparingTo("2");
  }

  @Test
  void aBrokenTableIsRefusedWithWhere() {
    assertThatThrownBy(() -> table("{\"prices\":{}}")).hasMessageContaining("no version");
    assertThatThrownBy(() -> table("{\"version\":\"v\",\"prices\":{\"x\":{\"m\":{\"input\":-1,\"output\":1}}}}"))
        .hasMessageContaining("x/m: input must be a number >= 0");
    assertThatThrownBy(() -> table("{\"version\":\"v\",\"prices\":{\"x\":{\"m\":{\"input\":1}}}}"))
        .hasMessageContaining("x/m: output");
  }
}
