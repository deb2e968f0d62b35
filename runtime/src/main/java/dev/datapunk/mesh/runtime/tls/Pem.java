package dev.datapunk.mesh.runtime.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the PEM files of this package. Every error names the file and the problem; no
 * error message contains key material.
 */
final class Pem {

  /** Certificate and key files are small; anything larger is not what we are looking for. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private Pem() {}

  /** Reads a whole file, refusing missing, unreadable or oversized files with a clear message. */
  static byte[] read(Path file) throws TlsMaterialException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new TlsMaterialException(
            file, "file is " + size + " bytes, larger than " + MAX_FILE_BYTES + "; not a PEM file");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(file, "file does not exist");
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot read file (" + e + ")", e);
    }
  }

  /**
   * Parses a PEM file holding one or more {@code CERTIFICATE} blocks, in file order.
   *
   * @param file only used in messages
   */
  static List<X509Certificate> parseCertificates(byte[] pem, Path file)
      throws TlsMaterialException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      Object block;
      while ((block = parser.readObject()) != null) {
        if (!(block instanceof X509CertificateHolder)) {
          throw new TlsMaterialException(
              file, "expected only CERTIFICATE blocks but found " + describe(block));
        }
        certificates.add(converter.getCertificate((X509CertificateHolder) block));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new TlsMaterialException(
          file, "not a valid PEM certificate file (" + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new TlsMaterialException(file, "no PEM CERTIFICATE block found");
    }
    return List.copyOf(certificates);
  }

  /**
   * Parses a PEM file holding exactly one unencrypted PKCS#8 private key ({@code BEGIN PRIVATE
   * KEY}).
   *
   * @param file only used in messages
   */
  static PrivateKey parsePrivateKey(byte[] pem, Path file) throws TlsMaterialException {
    Object block;
    try (PEMParser parser = parser(pem)) {
      block = parser.readObject();
      if (block != null && parser.readObject() != null) {
        throw new TlsMaterialException(file, "expected exactly one private key, found more blocks");
      }
    } catch (IOException | RuntimeException e) {
      // Deliberately no cause and no parser message: they could quote the key's bytes.
      throw new TlsMaterialException(file, "not a valid PEM private key file");
    }
    if (block == null) {
      throw new TlsMaterialException(file, "no PEM PRIVATE KEY block found");
    }
    if (block instanceof PEMKeyPair) {
      throw new TlsMaterialException(
          file,
          "private key is in a legacy format (BEGIN EC/RSA PRIVATE KEY); PKCS#8 is required,"
              + " convert it with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key");
    }
    if (block instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new TlsMaterialException(
          file,
          "private key is encrypted; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is required");
    }
    if (!(block instanceof PrivateKeyInfo info)) {
      throw new TlsMaterialException(
          file, "expected a PRIVATE KEY block but found " + describe(block));
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new TlsMaterialException(file, "unsupported or corrupt PKCS#8 private key");
    }
  }

  /** Encodes DER bytes as one PEM block with 64-character lines. */
  static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
  }

  private static String describe(Object block) {
    return block.getClass().getSimpleName();
  }
}
