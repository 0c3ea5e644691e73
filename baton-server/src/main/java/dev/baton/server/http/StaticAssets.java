package dev.baton.server.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the browser client at {@code /client/baton-client.js} and, in dev mode only, the demo page
 * at {@code /demo/}. Both are classpath resources that the build copies from {@code clients/js}
 * ({@code baton-web/client}, {@code baton-web/demo}). Thread-safe.
 */
public final class StaticAssets {

  /** Classpath folder of the client module. */
  static final String CLIENT_ROOT = "baton-web/client";
  /** Classpath folder of the demo page. */
  static final String DEMO_ROOT = "baton-web/demo";
  /** How long browsers may keep the client without asking again, in seconds. */
  static final long CLIENT_MAX_AGE_SECONDS = 600;

  private final boolean dev;

  /**
   * @param dev whether to serve the demo page too
   */
  public StaticAssets(boolean dev) {
    this.dev = dev;
  }

  /**
   * Adds {@code /client/*} and, in dev mode, {@code /demo/*} to {@code router}, for {@code GET} and
   * {@code HEAD} (the same headers, no body).
   */
  public void mount(Router router) {
    router.route("/client/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticAssets::publicScript)
        .handler(StaticAssets::headContentType)
        .handler(StaticHandler.create(CLIENT_ROOT)
            .setMaxAgeSeconds(CLIENT_MAX_AGE_SECONDS)
            .setDefaultContentEncoding("UTF-8"));
    if (dev) {
      router.route("/demo").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticAssets::toDemoFolder);
      router.route("/demo/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticAssets::headContentType)
          .handler(StaticHandler.create(DEMO_ROOT)
              .setCachingEnabled(false)
              .setDefaultContentEncoding("UTF-8"));
    }
  }

  /**
   * The client is public code: any origin may load it as a module ({@code Access-Control-Allow-Origin:
   * *}), and browsers re-check it after {@link #CLIENT_MAX_AGE_SECONDS} (no {@code immutable}: its URL
   * carries no version, so an upgrade must reach pages).
   */
  private static void publicScript(RoutingContext ctx) {
    ctx.response().putHeader("access-control-allow-origin", "*");
    ctx.addHeadersEndHandler(v -> ctx.response().headers()
        .set("cache-control", "public, max-age=" + CLIENT_MAX_AGE_SECONDS));
    ctx.next();
  }

  /**
   * For {@code HEAD}, the {@code content-type} that {@code GET} sends (the {@link StaticHandler} leaves
   * it out of its HEAD answer): by file name, {@code index.html} for a folder, UTF-8 for text.
   */
  private static void headContentType(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      String path = ctx.request().path();
      String type = MimeMapping.mimeTypeForFilename(path.endsWith("/") ? path + "index.html" : path);
      if (type != null) {
        String value = type.startsWith("text") ? type + ";charset=UTF-8" : type;
        ctx.addHeadersEndHandler(v -> {
          if (ctx.response().getStatusCode() == 200 && !ctx.response().headers().contains("content-type")) {
            ctx.response().putHeader("content-type", value);
          }
        });
      }
    }
    ctx.next();
  }

  /** {@code /demo} to {@code /demo/}, so that the page's relative links resolve inside the folder. */
  private static void toDemoFolder(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/")) {
      ctx.next();
    } else {
      ctx.redirect("/demo/");
    }
  }
}
