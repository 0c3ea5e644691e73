package dev.baton.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.identity.Access;
import dev.baton.server.auth.ResourceClaims;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.protocol.StrictJson;
import dev.baton.server.protocol.Wire;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev mode only ({@code --dev}, loopback): {@code POST /dev/token {userId, name?, roles?, res?}} mints
 * a one-hour token with the server's own secret, so that a newcomer can connect without an identity
 * provider. Never mounted outside dev mode. Thread-safe.
 */
public final class DevApi {

  private final TokenMinter minter;
  private final Wire wire;

  public DevApi(TokenMinter minter, Wire wire) {
    this.minter = minter;
    this.wire = wire;
  }

  /**
   * Adds {@code POST /dev/token} to {@code router}; its body is JSON whatever its content type (as on
   * {@code /v1/*}: {@code curl -d} sends JSON as a form).
   */
  public void mount(Router router) {
    router.post("/dev/token").handler(HttpApi::contentTypeIgnored);
    router.post("/dev/token").handler(BodyHandler.create(false).setBodyLimit(HttpApi.MAX_BODY_BYTES))
        .handler(this::token);
  }

  private void token(RoutingContext ctx) {
    try {
      JsonNode body = StrictJson.read(ctx.body().asString());
      if (body == null || !body.path("userId").isTextual()) {
        throw new IllegalArgumentException("userId (string) is required");
      }
      // Wrong types are refused, not dropped: a role silently lost shows up later as a 403.
      List<String> roles = new ArrayList<>();
      JsonNode rolesNode = body.path("roles");
      if (!rolesNode.isMissingNode() && !rolesNode.isNull()) {
        if (!rolesNode.isArray()) {
          throw new IllegalArgumentException("roles must be an array of strings");
        }
        for (JsonNode r : rolesNode) {
          if (!r.isTextual() || r.textValue().isBlank()) {
            throw new IllegalArgumentException("roles must be an array of non-blank strings");
          }
          roles.add(r.textValue());
        }
      }
      Map<String, Access> res = null;
      JsonNode resNode = body.path("res");
      if (!resNode.isMissingNode() && !resNode.isNull()) {
        if (!resNode.isObject()) {
          throw new IllegalArgumentException("res must be an object of resource patterns to \"view\", \"edit\" or \"none\"");
        }
        res = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : resNode.properties()) {
          if (!e.getValue().isTextual()) {
            throw new IllegalArgumentException("res." + e.getKey() + " must be \"view\", \"edit\" or \"none\"");
          }
          res.put(e.getKey(), ResourceClaims.access(e.getValue().textValue()));
        }
      }
      JsonNode nameNode = body.path("name");
      if (!nameNode.isMissingNode() && !nameNode.isNull() && !nameNode.isTextual()) {
        throw new IllegalArgumentException("name must be a string");
      }
      String name = nameNode.isTextual() ? nameNode.textValue() : null;
      String token = minter.mint(new TokenRequest(body.get("userId").textValue(), name, roles, res,
          TokenMinter.DEFAULT_TTL));
      ctx.response().putHeader("content-type", "application/json").end(wire.write(Map.of("token", token)));
    } catch (IllegalArgumentException | JacksonException e) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", "BAD_REQUEST");
      error.put("message", e instanceof JacksonException ? "the body must be JSON" : e.getMessage());
      error.put("retryable", false);
      ctx.response().setStatusCode(400).putHeader("content-type", "application/json").end(wire.write(error));
    }
  }
}
