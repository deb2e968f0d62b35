package dev.datapunk.mesh.runtime.security.jwt;

import dev.datapunk.mesh.runtime.security.MeshTestServer;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A gRPC unary call made with the JDK's HTTP/2 client instead of grpc-java, so a test can send what
 * grpc-java's client refuses to (e.g. a header list over the server's advertised limit).
 */
final class RawHttp2Call {

  /**
   * What came back: the HTTP status and a grpc-status sent in the headers (a trailers-only
   * response), or the exception that ended the exchange.
   */
  record Result(
      int httpStatus, Optional<String> grpcStatus, Optional<String> grpcMessage, String failure) {}

  private RawHttp2Call() {}

  static Result unary(int port, MeshTestServer.Pki pki, String authorization) throws Exception {
    CertificateFixture.Issued client =
        pki.ca().leaf("raw-client").uri(MeshTestServer.CLIENT_ID).clientAuth().issue();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(sslContext(pki.ca().certificate(), client))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    // An empty SimpleRequest: 5-byte gRPC frame header, length 0.
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/grpc.testing.SimpleService/UnaryRpc"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .header("authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5]))
            .build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Result(
          response.statusCode(),
          response.headers().firstValue("grpc-status"),
          response.headers().firstValue("grpc-message"),
          null);
    } catch (java.io.IOException e) {
      return new Result(-1, Optional.empty(), Optional.empty(), e.toString());
    }
  }

  private static SSLContext sslContext(X509Certificate ca, CertificateFixture.Issued client)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "test".toCharArray();
    keys.setKeyEntry(
        "client",
        client.keyPair().getPrivate(),
        password,
        new X509Certificate[] {client.certificate(), ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
