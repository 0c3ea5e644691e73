package dev.baton.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaticAssetsTest {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theBrowserClientIsServedAsJavaScriptOutsideDevModeToo() throws Exception {
    int port = serve(false);

    HttpResponse<String> client = get(port, "/client/baton-client.js");

    assertThat(client.statusCode()).isEqualTo(200);
    assertThat(client.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/javascript"));
    assertThat(client.body()).contains("export function connect(");
  }

  @Test
  void theDemoIsServedInDevModeOnly() throws Exception {
    assertThat(get(serve(false), "/demo/").statusCode()).isEqualTo(404);

    int port = serve(true);
    HttpResponse<String> page = get(port, "/demo/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Operation report · Baton demo</title>");
    assertThat(get(port, "/demo/app.js").body()).contains("from '/client/baton-client.js'");
  }

  @Test
  void theDemoFolderWithoutItsSlashRedirects() throws Exception {
    HttpResponse<String> response = get(serve(true), "/demo");

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).contains("/demo/");
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    int port = serve(true);
    for (String path : new String[] {"/client/baton-client.js", "/demo/"}) {
      HttpResponse<String> get = get(port, path);
      HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(head.statusCode()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.headers().firstValue("content-type")).as(path).isEqualTo(get.headers().firstValue("content-type"));
      assertThat(head.headers().firstValue("content-length")).as(path)
          .hasValue(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }
  }

  private int serve(boolean dev) throws Exception {
    Router router = Router.router(vertx);
    new StaticAssets(dev).mount(router);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
