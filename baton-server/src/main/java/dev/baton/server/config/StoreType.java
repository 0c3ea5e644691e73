package dev.baton.server.config;

/** Which store holds the lock and presence state ({@code store.type}). */
public enum StoreType {
  /** One node, state in this process (the default). */
  MEMORY,
  /** Several nodes sharing a Redis, Sentinel or Cluster deployment. */
  REDIS
}
