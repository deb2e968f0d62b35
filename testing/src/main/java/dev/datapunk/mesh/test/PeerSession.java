package dev.datapunk.mesh.test;

import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The TLS session of one in-process connection of a peer: what an mTLS handshake leaves on a
 * connection, a verified client certificate, without the handshake. The kit puts it in the
 * connection's transport attributes ({@code Grpc.TRANSPORT_ATTR_SSL_SESSION}), where the server
 * reads the peer identity of every mTLS call; so the runtime derives and caches the identity here
 * exactly as over TLS.
 */
final class PeerSession implements SSLSession {

  private static final byte[] NO_ID = new byte[0];

  private final X509Certificate certificate;
  private final long created = System.currentTimeMillis();
  private final Map<String, Object> values = new ConcurrentHashMap<>();

  PeerSession(X509Certificate certificate) {
    this.certificate = certificate;
  }

  @Override
  public Certificate[] getPeerCertificates() {
    return new Certificate[] {certificate};
  }

  @Override
  public Principal getPeerPrincipal() {
    return certificate.getSubjectX500Principal();
  }

  @Override
  public Object getValue(String name) {
    return values.get(name);
  }

  @Override
  public void putValue(String name, Object value) {
    values.put(name, value);
  }

  @Override
  public void removeValue(String name) {
    values.remove(name);
  }

  @Override
  public String[] getValueNames() {
    return values.keySet().toArray(String[]::new);
  }

  @Override
  public byte[] getId() {
    return NO_ID.clone();
  }

  @Override
  public SSLSessionContext getSessionContext() {
    return null;
  }

  @Override
  public long getCreationTime() {
    return created;
  }

  @Override
  public long getLastAccessedTime() {
    return created;
  }

  @Override
  public void invalidate() {}

  @Override
  public boolean isValid() {
    return true;
  }

  @Override
  public Certificate[] getLocalCertificates() {
    return null;
  }

  @Override
  public Principal getLocalPrincipal() {
    return null;
  }

  @Override
  public String getCipherSuite() {
    return "in-process";
  }

  @Override
  public String getProtocol() {
    return "in-process";
  }

  @Override
  public String getPeerHost() {
    return null;
  }

  @Override
  public int getPeerPort() {
    return -1;
  }

  @Override
  public int getPacketBufferSize() {
    return 0;
  }

  @Override
  public int getApplicationBufferSize() {
    return 0;
  }

  @Override
  public String toString() {
    return "PeerSession[" + certificate.getSubjectX500Principal() + "]";
  }
}
