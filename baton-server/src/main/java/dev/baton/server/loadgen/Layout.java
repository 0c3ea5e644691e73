package dev.baton.server.loadgen;

import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import io.vertx.core.http.WebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays the run out: which connection is whose user, joins what, talks to which node from which
 * source address, and lives on which shard. Connection {@code i} is user {@code lg-<run>-<i>}, goes to
 * {@code urls[i % nodes]} from {@code clients[i % addresses]}. Document {@code d}'s members are
 * connections {@code d*(1+V) .. d*(1+V)+V} (the first is the actor) and member {@code k} lives on
 * shard {@code (d + k) % shards}, so that actors and a large document's viewers are spread over the
 * event loops; idle connection {@code i} lives on shard {@code i % shards}. Not thread-safe: used once,
 * before the run.
 */
final class Layout {

  /** How long the minted tokens are valid: they are checked at {@code hello} only. */
  static final Duration TOKEN_TTL = Duration.ofHours(2);

  private Layout() {}

  /**
   * Creates every document and member and hands them to their shards.
   *
   * @param runId a short id that makes this run's users and resources unique on the server
   * @param clients one WebSocket client per source address
   * @return the documents
   */
  static List<Document> build(LoadConfig config, String runId, List<Shard> shards, List<WebSocketClient> clients,
      TokenMinter minter, Stats stats) {
    int perDoc = 1 + config.viewers();
    List<Document> documents = new ArrayList<>();
    int[] actorsPerShard = new int[shards.size()];
    for (int d = 0; d < config.documents(); d++) {
      Document doc = new Document(d, "bench:" + runId + "-d" + d + ":main", perDoc, config.renewsPerCycle(), stats);
      documents.add(doc);
      for (int k = 0; k < perDoc; k++) {
        int i = d * perDoc + k;
        Shard shard = shards.get((d + k) % shards.size());
        Member m = member(config, runId, i, doc.resource, shard, doc, k == 0, clients, minter, stats);
        shard.add(m);
        if (k == 0) {
          doc.actor(m, shard);
          shard.add(doc);
          actorsPerShard[shard.id]++;
        }
      }
    }
    for (int i = config.documentConnections(); i < config.connections(); i++) {
      Shard shard = shards.get(i % shards.size());
      shard.add(member(config, runId, i, "bench:" + runId + "-i" + i + ":main", shard, null, false, clients,
          minter, stats));
    }
    for (Shard s : shards) {
      s.share(config.documents() == 0 ? 0 : (double) actorsPerShard[s.id] / config.documents());
    }
    return documents;
  }

  private static Member member(LoadConfig config, String runId, int i, String resource, Shard shard, Document doc,
      boolean actor, List<WebSocketClient> clients, TokenMinter minter, Stats stats) {
    URI url = config.urls().get(i % config.urls().size());
    WebSocketClient client = clients.get((i / config.urls().size()) % clients.size());
    String user = "lg-" + runId + "-" + i;
    return new Member(i, resource, shard, doc, actor, client, url,
        () -> minter.mint(new TokenRequest(user, "Load " + i, List.of(), null, TOKEN_TTL)), stats);
  }
}
