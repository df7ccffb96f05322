package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProfilesApiTest {
  static TestServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aParentSharesAChildsProfileWithACarerAndTakesItBack() {
    JsonNode parent = api.signup("parent@example.org", "correct horse battery", "Parent");
    JsonNode carer = api.signup("carer@example.org", "correct horse battery", "Carer");
    String parentToken = parent.get("access_token").asText();
    String carerToken = carer.get("access_token").asText();

    ApiClient.Response child = api.post("/v1/profiles", parentToken,
        Map.of("display_name", "Mia", "profile_type", "child", "date_of_birth", "2019-04-02"));
    assertThat(child.status()).isEqualTo(201);
    String childId = child.body().get("id").asText();
    assertThat(profileIds(api.get("/v1/profiles", parentToken))).contains(childId);
    assertThat(profileIds(api.get("/v1/profiles", carerToken))).doesNotContain(childId);

    ApiClient.Response grant = api.post("/v1/profiles/" + childId + "/access", parentToken,
        Map.of("email", "Carer@Example.org", "permission_level", "read_only"));
    assertThat(grant.status()).as(grant.body().toString()).isEqualTo(201);
    assertThat(grant.body().get("user_id").asText()).isEqualTo(carer.get("user_id").asText());
    assertThat(grant.body().get("permission_level").asText()).isEqualTo("read_only");

    JsonNode seen = find(api.get("/v1/profiles", carerToken), childId);
    assertThat(seen.get("access_level").asText()).isEqualTo("read_only");
    assertThat(seen.get("is_owner").asBoolean()).isFalse();

    // A read-only carer may not pass access on.
    ApiClient.Response onward = api.post("/v1/profiles/" + childId + "/access", carerToken,
        Map.of("email", "parent@example.org", "permission_level", "read_only"));
    assertThat(onward.status()).isEqualTo(403);
    assertThat(onward.errorCode()).isEqualTo("forbidden");

    ApiClient.Response revoke = api.delete("/v1/profiles/" + childId + "/access/" + carer.get("user_id").asText(), parentToken);
    assertThat(revoke.status()).isEqualTo(200);
    assertThat(revoke.body().get("revoked_at").isNull()).isFalse();
    assertThat(profileIds(api.get("/v1/profiles", carerToken))).doesNotContain(childId);

    ApiClient.Response again = api.delete("/v1/profiles/" + childId + "/access/" + carer.get("user_id").asText(), parentToken);
    assertThat(again.status()).isEqualTo(404);
  }

  @Test
  void aGrantWithAnEndDateLapsesAndCanBeRenewed() {
    JsonNode owner = api.signup("owner2@example.org", "correct horse battery", "Owner");
    JsonNode friend = api.signup("friend2@example.org", "correct horse battery", "Friend");
    String selfId = owner.get("profile_id").asText();

    ApiClient.Response grant = api.post("/v1/profiles/" + selfId + "/access", owner.get("access_token").asText(),
        Map.of("email", "friend2@example.org", "permission_level", "emergency",
            "access_end_date", Instant.now().plusSeconds(3600).toString()));
    assertThat(grant.status()).isEqualTo(201);
    assertThat(profileIds(api.get("/v1/profiles", friend.get("access_token").asText()))).contains(selfId);

    ApiClient.Response past = api.post("/v1/profiles/" + selfId + "/access", owner.get("access_token").asText(),
        Map.of("email", "friend2@example.org", "permission_level", "emergency",
            "access_end_date", Instant.now().minusSeconds(60).toString()));
    assertThat(past.status()).isEqualTo(400);
  }

  @Test
  void badGrantsAreRefusedClearly() {
    JsonNode owner = api.signup("owner3@example.org", "correct horse battery", "Owner");
    String token = owner.get("access_token").asText();
    String selfId = owner.get("profile_id").asText();

    assertThat(api.post("/v1/profiles/" + selfId + "/access", token,
        Map.of("email", "nobody-here@example.org", "permission_level", "read_only")).status()).isEqualTo(404);
    assertThat(api.post("/v1/profiles/" + selfId + "/access", token,
        Map.of("email", "owner3@example.org", "permission_level", "read_only")).status()).isEqualTo(400);
    assertThat(api.post("/v1/profiles/" + selfId + "/access", token,
        Map.of("email", "owner3@example.org", "permission_level", "owner")).status()).isEqualTo(400);
    assertThat(api.post("/v1/profiles/not-a-uuid/access", token,
        Map.of("email", "x@example.org", "permission_level", "read_only")).status()).isEqualTo(400);
    assertThat(api.post("/v1/profiles", token, Map.of("display_name", "Me again", "profile_type", "self"))
        .status()).isEqualTo(400);
    assertThat(api.post("/v1/profiles", token, Map.of("display_name", "Rex", "profile_type", "pet"))
        .status()).isEqualTo(201);
  }

  @Test
  void aStrangerCannotGrantAccessToSomeoneElsesProfile() {
    JsonNode owner = api.signup("owner4@example.org", "correct horse battery", "Owner");
    JsonNode stranger = api.signup("stranger4@example.org", "correct horse battery", "Stranger");
    ApiClient.Response r = api.post("/v1/profiles/" + owner.get("profile_id").asText() + "/access",
        stranger.get("access_token").asText(), Map.of("email", "stranger4@example.org", "permission_level", "full_access"));
    assertThat(r.status()).isEqualTo(403);
  }

  private static List<String> profileIds(ApiClient.Response r) {
    assertThat(r.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.body().get("profiles").forEach(p -> ids.add(p.get("profile_id").asText()));
    return ids;
  }

  private static JsonNode find(ApiClient.Response r, String id) {
    for (JsonNode p : r.body().get("profiles")) {
      if (p.get("profile_id").asText().equals(id)) {
        return p;
      }
    }
    throw new AssertionError("profile " + id + " not in " + r.body());
  }
}
