package dev.datapunk.mesh.runtime.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Issues the three certificates of the development PKI (EC P-256, ECDSA with SHA-256). */
final class DevCertificateIssuer {

  static final String CA_NAME = "CN=Datapunk Mesh Dev CA";
  static final String SERVER_NAME = "CN=localhost";
  static final String CLIENT_NAME = "CN=mesh-dev-client";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);

  /** notBefore lies this far in the past so a peer with a slightly late clock accepts it. */
  static final Duration BACKDATE = Duration.ofHours(1);

  /** A certificate and its key pair. */
  record Issued(X509Certificate certificate, KeyPair keyPair) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private DevCertificateIssuer() {}

  static Issued ca(Instant now) throws GeneralSecurityException {
    KeyPair keys = newKeyPair();
    X500Name name = new X500Name(CA_NAME);
    X509v3CertificateBuilder builder = builder(name, name, keys, now, CA_VALIDITY);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              utils.createSubjectKeyIdentifier(keys.getPublic()));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode CA extensions", e);
    }
    return new Issued(sign(builder, keys), keys);
  }

  static Issued server(Issued ca, Instant now) throws GeneralSecurityException {
    return leaf(
        ca,
        now,
        SERVER_NAME,
        KeyPurposeId.id_kp_serverAuth,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.iPAddress, "::1")
            }));
  }

  static Issued client(Issued ca, Instant now) throws GeneralSecurityException {
    return leaf(
        ca,
        now,
        CLIENT_NAME,
        KeyPurposeId.id_kp_clientAuth,
        new GeneralNames(
            new GeneralName(GeneralName.uniformResourceIdentifier, DevPki.CLIENT_IDENTITY)));
  }

  private static Issued leaf(
      Issued ca, Instant now, String subject, KeyPurposeId purpose, GeneralNames altNames)
      throws GeneralSecurityException {
    KeyPair keys = newKeyPair();
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder =
        builder(issuer, new X500Name(subject), keys, now, LEAF_VALIDITY);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectAlternativeName, false, altNames)
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              utils.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              utils.createAuthorityKeyIdentifier(ca.certificate()));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode certificate extensions", e);
    }
    return new Issued(sign(builder, ca.keyPair()), keys);
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Instant now, Duration validity) {
    BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial,
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create the ECDSA signer", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }
}
