package dev.baton.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the YAML configuration file into a {@link RawConfig}, key by key against {@link ConfigKeys}:
 * Jackson parses, this class only walks the tree. Thread-safe (the mapper is immutable once built).
 */
final class YamlLayer {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
              .build());

  private YamlLayer() {}

  /**
   * Writes every value of {@code file} into {@code raw}. An empty file, or an empty section, sets
   * nothing.
   *
   * @throws ConfigException if the file cannot be read or parsed, holds an unknown key, a list or
   *     mapping where a value belongs, a value where a mapping belongs, or a bad resource type name
   */
  static void read(Path file, RawConfig raw) {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = YAML.readTree(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist", e);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigException(
          "config file " + file + " is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e, e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "config file " + file + " must hold a mapping of sections (server, store, redis, auth, audit, policies)");
    }
    walk(root, "", raw);
  }

  private static void walk(JsonNode mapping, String prefix, RawConfig raw) {
    for (Map.Entry<String, JsonNode> field : mapping.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode node = field.getValue();
      if (prefix.equals(ConfigKeys.TYPES)) {
        readType(field.getKey(), node, raw);
        continue;
      }
      if (field.getKey().contains(".")) {
        throw new ConfigException(
            "unknown key " + path + " (a key must not contain dots: nest the mappings instead)");
      }
      switch (ConfigKeys.kindOf(path)) {
        case LEAF -> raw.put(path, scalar(path, node), RawConfig.Source.FILE);
        case SECTION -> {
          if (!node.isNull()) {
            requireMapping(path, node);
            walk(node, path, raw);
          }
        }
        default -> throw unknownKey(prefix, path);
      }
    }
  }

  private static void readType(String type, JsonNode node, RawConfig raw) {
    String path = ConfigKeys.TYPES + "." + type;
    if (!ConfigKeys.TYPE_NAME.matcher(type).matches()) {
      throw new ConfigException(
          path + ": resource type " + type + " must match " + ConfigKeys.TYPE_NAME.pattern());
    }
    raw.addPolicyType(type);
    if (!node.isNull()) {
      requireMapping(path, node);
      walk(node, path, raw);
    }
  }

  private static String scalar(String path, JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    throw new ConfigException(
        path + " must be a single value, not a " + (node.isArray() ? "list" : "mapping"));
  }

  private static void requireMapping(String path, JsonNode node) {
    if (!node.isObject()) {
      throw new ConfigException(path + " must be a mapping of keys, not " + describe(node));
    }
  }

  private static String describe(JsonNode node) {
    return node.isArray() ? "a list" : "the value " + node.asText();
  }

  private static ConfigException unknownKey(String section, String path) {
    String where = section.isEmpty() ? "at the top level" : "under " + section;
    return new ConfigException(
        "unknown key " + path + " (known keys " + where + ": "
            + String.join(", ", ConfigKeys.childrenOf(section)) + ")");
  }
}
