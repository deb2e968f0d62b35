package dev.datapunk.mesh.runtime.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates for any test in the project: a CA per instance, and leaves it issues with
 * whatever defects a test needs (expired, wrong or missing extended key usage, no SPIFFE ID).
 * Independent of the production issuer on purpose, so tests do not check the code against itself.
 *
 * <pre>{@code
 * CertificateFixture ca = CertificateFixture.newCa("Test CA");
 * CertificateFixture.Issued server = ca.leaf("localhost").dns("localhost").ip("127.0.0.1")
 *     .serverAuth().issue();
 * server.writeChain(dir.resolve("server.pem"), dir.resolve("server.key"));
 * }</pre>
 */
public final class CertificateFixture {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final KeyPair keyPair;

  private CertificateFixture(X509Certificate certificate, KeyPair keyPair) {
    this.certificate = certificate;
    this.keyPair = keyPair;
  }

  /** A self-signed EC P-256 CA valid from an hour ago for ten years. */
  public static CertificateFixture newCa(String commonName) {
    KeyPair keys = newKeyPair();
    X500Name name = name(commonName);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(3650))),
            name,
            keys.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CertificateFixture(sign(builder, keys.getPrivate()), keys);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA key pair. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** Writes the CA certificate as PEM. */
  public Path writeCertificate(Path file) {
    writeAtomically(file, pem(List.of(certificate)));
    return file;
  }

  /**
   * Starts a leaf certificate issued by this CA, with subject {@code CN=commonName} (an empty
   * subject when {@code commonName} is null).
   */
  public LeafBuilder leaf(String commonName) {
    return new LeafBuilder(this, commonName);
  }

  /** A leaf with its key pair and the issuing CA. */
  public record Issued(X509Certificate certificate, KeyPair keyPair, X509Certificate issuer) {

    /** Writes the leaf followed by its CA, and the PKCS#8 key; each file replaced atomically. */
    public void writeChain(Path certFile, Path keyFile) {
      writeAtomically(certFile, pem(List.of(certificate, issuer)));
      writeKey(keyFile);
    }

    /** Writes only the leaf certificate (atomically). */
    public void writeCertificateOnly(Path certFile) {
      writeAtomically(certFile, pem(List.of(certificate)));
    }

    /** Writes the PKCS#8 PEM private key (atomically). */
    public void writeKey(Path keyFile) {
      writeAtomically(keyFile, pkcs8Pem(keyPair.getPrivate()));
    }
  }

  /** Configures one leaf certificate. Defaults: valid from an hour ago for a day, no EKU/SAN. */
  public static final class LeafBuilder {
    private final CertificateFixture ca;
    private final String commonName;
    private final List<GeneralName> altNames = new ArrayList<>();
    private final List<KeyPurposeId> purposes = new ArrayList<>();
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));

    private LeafBuilder(CertificateFixture ca, String commonName) {
      this.ca = ca;
      this.commonName = commonName;
    }

    public LeafBuilder dns(String name) {
      altNames.add(new GeneralName(GeneralName.dNSName, name));
      return this;
    }

    public LeafBuilder ip(String address) {
      altNames.add(new GeneralName(GeneralName.iPAddress, address));
      return this;
    }

    /** Adds a URI subject alternative name, e.g. a SPIFFE ID. */
    public LeafBuilder uri(String uri) {
      altNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      return this;
    }

    public LeafBuilder serverAuth() {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
      return this;
    }

    public LeafBuilder clientAuth() {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
      return this;
    }

    public LeafBuilder validity(Instant from, Instant until) {
      this.notBefore = from;
      this.notAfter = until;
      return this;
    }

    /** A certificate whose validity ended an hour ago. */
    public LeafBuilder expired() {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)));
    }

    public Issued issue() {
      KeyPair keys = newKeyPair();
      X500Name issuer = X500Name.getInstance(ca.certificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              serial(),
              Date.from(notBefore),
              Date.from(notAfter),
              commonName == null
                  ? new X500Name(new org.bouncycastle.asn1.x500.RDN[0])
                  : name(commonName),
              keys.getPublic());
      try {
        builder
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (!purposes.isEmpty()) {
          builder.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
        }
        if (!altNames.isEmpty()) {
          // RFC 5280: with an empty subject the SAN extension must be critical.
          builder.addExtension(
              Extension.subjectAlternativeName,
              commonName == null,
              new GeneralNames(altNames.toArray(new GeneralName[0])));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Issued(sign(builder, ca.keyPair.getPrivate()), keys, ca.certificate);
    }
  }

  /** PEM text of certificates, in order. */
  public static String pem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        out.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  /** PKCS#8 PEM text of a private key. */
  public static String pkcs8Pem(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  /** Replaces {@code file} by {@code text} via a temporary file and an atomic rename. */
  public static void writeAtomically(Path file, String text) {
    try {
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".fixture", ".tmp");
      Files.writeString(temp, text, StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static X500Name name(String commonName) {
    return new X500Name("CN=" + commonName);
  }

  private static BigInteger serial() {
    return new BigInteger(120, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException(e);
    }
  }
}
