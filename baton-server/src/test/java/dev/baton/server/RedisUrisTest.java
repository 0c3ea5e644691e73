package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import org.junit.jupiter.api.Test;

/** {@code redis.uri} to client options: standalone, Sentinel, a refused Cluster. */
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
  void severalHostsWithoutSentinelAreAClusterAndRefusedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> RedisUris.options("redis://:hunter2@a:7000,b:7001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Redis Cluster: not supported yet")
        .hasMessageNotContaining("hunter2");
  }
}
