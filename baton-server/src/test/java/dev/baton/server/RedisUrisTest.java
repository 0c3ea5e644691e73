package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import org.junit.jupiter.api.Test;

/** {@code redis.uri} to client options: standalone, Sentinel, Cluster, refusals. */
class RedisUrisTest {

  @Test
  void aStandaloneUriIsUsedAsItIs() {
    RedisOptions o = RedisUris.options("redis://:secret@db:6380/2");
    assertThat(o.getType()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(o.getEndpoints()).containsExactly("redis://:secret@db:6380/2");
  }

  @Test
  void aSentinelUriNamesEverySentinelAndTheMaster() {
    RedisOptions o = RedisUris.options("redis-sentinel://:secret@s1:26379,s2:26380/0#orders");
    assertThat(o.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(o.getRole()).isEqualTo(RedisRole.MASTER);
    assertThat(o.getMasterName()).isEqualTo("orders");
    assertThat(o.getEndpoints()).containsExactly("redis://:secret@s1:26379/0", "redis://:secret@s2:26380/0");
  }

  @Test
  void theSentinelMasterDefaultsToMymasterAndTlsCarriesOver() {
    RedisOptions o = RedisUris.options("rediss-sentinel://s1:26379");
    assertThat(o.getMasterName()).isEqualTo("mymaster");
    assertThat(o.getEndpoints()).containsExactly("rediss://s1:26379");
  }

  @Test
  void aUnixSocketIsAStandaloneServer() {
    RedisOptions o = RedisUris.options("redis-socket:///run/redis.sock");
    assertThat(o.getEndpoints()).containsExactly("unix:///run/redis.sock");
  }

  @Test
  void severalHostsInAPlainUriAreRefusedWithAHintAndWithoutEchoingThePassword() {
    assertThatThrownBy(() -> RedisUris.options("redis://:hunter2@a:7000,b:7001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis-cluster://host:port,host:port")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aClusterUriNamesEverySeedWithTheCredentials() {
    RedisOptions o = RedisUris.options("redis-cluster://:secret@a:7000, b:7001,c:7002");
    assertThat(o.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(RedisUris.cluster(o)).isTrue();
    assertThat(o.getEndpoints())
        .containsExactly("redis://:secret@a:7000", "redis://:secret@b:7001", "redis://:secret@c:7002");
    assertThat(RedisUris.options("rediss-cluster://a:7000/0").getEndpoints()).containsExactly("rediss://a:7000");
    assertThat(RedisUris.cluster(RedisUris.options("redis://a:7000"))).isFalse();
  }

  @Test
  void aClusterUriWithADatabaseOrNoHostIsRefusedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> RedisUris.options("redis-cluster://:hunter2@a:7000/3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only database 0")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisUris.options("redis-cluster://:hunter2@"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no Redis Cluster node")
        .hasMessageNotContaining("hunter2");
  }
}
