package dev.datapunk.mesh.runtime.tls;

import io.grpc.Attributes;
import io.grpc.Grpc;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The verified identity of a TLS peer, taken from its certificate: the first URI subject
 * alternative name starting with {@code spiffe://} if there is one, else the subject common name.
 *
 * <p>Only meaningful with {@link TlsMode#MTLS}, where the certificate has been verified during the
 * handshake. The identity is derived once per TLS session and cached on the session, so repeated
 * calls on a connection cost a map lookup.
 */
public final class PeerIdentity {

  /** The {@link SSLSession} value name under which the derived identity is cached. */
  static final String SESSION_VALUE_NAME = "dev.datapunk.mesh.peer-identity";

  private static final int URI_NAME = 6;

  private PeerIdentity() {}

  /**
   * The identity of the peer of a call, from the call's transport attributes ({@code
   * ServerCall.getAttributes()}); empty without TLS, without a client certificate or when the
   * certificate carries neither a SPIFFE ID nor a common name.
   */
  public static Optional<String> of(Attributes transportAttributes) {
    if (transportAttributes == null) {
      return Optional.empty();
    }
    return of(transportAttributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
  }

  /**
   * The identity of the peer of {@code session}; empty for a null session, a peer without a
   * certificate, or a certificate carrying neither a SPIFFE ID nor a common name.
   */
  public static Optional<String> of(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Object cached = session.getValue(SESSION_VALUE_NAME);
    if (cached instanceof Cached known) {
      return known.identity;
    }
    Optional<String> identity = derive(session);
    session.putValue(SESSION_VALUE_NAME, new Cached(identity));
    return identity;
  }

  /** The identity a certificate proves: its SPIFFE ID, else its subject common name. */
  public static Optional<String> of(X509Certificate certificate) {
    Optional<String> spiffeId = spiffeId(certificate);
    return spiffeId.isPresent() ? spiffeId : commonName(certificate);
  }

  private static Optional<String> derive(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
      return Optional.empty();
    }
    return of((X509Certificate) chain[0]);
  }

  private static Optional<String> spiffeId(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    for (List<?> name : names) {
      if (name.size() >= 2
          && Integer.valueOf(URI_NAME).equals(name.get(0))
          && name.get(1) instanceof String
          && ((String) name.get(1)).startsWith("spiffe://")) {
        return Optional.of((String) name.get(1));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> commonName(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
        if (BCStyle.CN.equals(value.getType())) {
          ASN1Encodable cn = value.getValue();
          String text =
              cn instanceof ASN1String string ? string.getString() : IETFUtils.valueToString(cn);
          if (!text.isEmpty()) {
            return Optional.of(text);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Session value holder, so a value of another type under the same name is never mistaken. */
  private static final class Cached {
    final Optional<String> identity;

    Cached(Optional<String> identity) {
      this.identity = identity;
    }
  }
}
