package dev.datapunk.mesh.runtime.security.jwt;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS server on 127.0.0.1 serving one JWKS document, whose answer (status, body,
 * Cache-Control, delay) a test can change at any time. Its certificate comes from a test CA written
 * to {@link #caFile()}.
 */
final class JwksHttpsServer implements AutoCloseable {

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Path caFile;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;
  private volatile String body = "{\"keys\":[]}";
  private volatile String cacheControl;
  private volatile long delayMillis;

  JwksHttpsServer(Path dir) throws IOException, GeneralSecurityException {
    CertificateFixture ca = CertificateFixture.newCa("JWKS Test CA");
    caFile = ca.writeCertificate(dir.resolve("jwks-ca.pem"));
    CertificateFixture.Issued leaf =
        ca.leaf("localhost").dns("localhost").ip("127.0.0.1").serverAuth().issue();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "test".toCharArray();
    keys.setKeyEntry(
        "server",
        leaf.keyPair().getPrivate(),
        password,
        new X509Certificate[] {leaf.certificate(), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.setExecutor(executor);
    server.createContext(
        "/jwks.json",
        exchange -> {
          requests.incrementAndGet();
          try {
            if (delayMillis > 0) {
              Thread.sleep(delayMillis);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (cacheControl != null) {
              exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // the client went away (e.g. it timed out)
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  URI uri() {
    return URI.create("https://localhost:" + server.getAddress().getPort() + "/jwks.json");
  }

  Path caFile() {
    return caFile;
  }

  int requests() {
    return requests.get();
  }

  JwksHttpsServer serve(int newStatus, String newBody, String newCacheControl) {
    this.status = newStatus;
    this.body = newBody;
    this.cacheControl = newCacheControl;
    return this;
  }

  JwksHttpsServer delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
