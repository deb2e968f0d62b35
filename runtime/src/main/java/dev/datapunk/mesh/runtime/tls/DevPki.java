package dev.datapunk.mesh.runtime.tls;

import dev.datapunk.mesh.runtime.files.AtomicFiles;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The development PKI behind the embedded defaults: a CA, a server certificate for {@code
 * localhost} and a client certificate for {@value #CLIENT_IDENTITY}, created on first start and
 * reused afterwards.
 *
 * <p>Files in the directory (by default {@value #DEFAULT_DIRECTORY}): {@code ca.pem}, {@code
 * ca.key}, {@code server.pem} (server certificate, then the CA), {@code server.key}, {@code
 * client.pem}, {@code client.key}. All keys are EC P-256, PKCS#8 PEM, created with permissions 0600
 * in a 0700 directory. The CA ({@code CN=Datapunk Mesh Dev CA}) is valid for ten years, the server
 * ({@code CN=localhost}; DNS {@code localhost}, IP {@code 127.0.0.1} and {@code ::1}; usage
 * serverAuth) and client ({@code CN=mesh-dev-client}; URI {@value #CLIENT_IDENTITY}; usage
 * clientAuth) certificates for one year. A {@code .lock} file serialises processes that start at
 * the same time.
 *
 * <p>For development only: anyone who can read the directory can impersonate the server and the
 * client.
 */
public final class DevPki {

  /** Where the server keeps its development material unless configured otherwise. */
  public static final String DEFAULT_DIRECTORY = ".mesh/dev";

  /** The SPIFFE ID in the development client certificate. */
  public static final String CLIENT_IDENTITY = "spiffe://mesh.dev/client";

  /** Material is reused only while every certificate stays valid at least this long. */
  static final Duration MINIMUM_REMAINING_VALIDITY = Duration.ofDays(1);

  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca.key";
  static final String SERVER_CERT = "server.pem";
  static final String SERVER_KEY = "server.key";
  static final String CLIENT_CERT = "client.pem";
  static final String CLIENT_KEY = "client.key";
  private static final String LOCK_FILE = ".lock";

  private static final Logger log = MeshLoggers.getLogger("dev.datapunk.mesh.runtime.tls");

  /**
   * Paths of the development material (absolute).
   *
   * @param caCert the CA certificate clients and the server trust
   * @param serverCert the server certificate followed by the CA certificate
   * @param serverKey the server's PKCS#8 private key
   * @param clientCert the client certificate
   * @param clientKey the client's PKCS#8 private key
   * @param created whether this call generated the files (false: existing files were reused)
   */
  public record Material(
      Path caCert,
      Path serverCert,
      Path serverKey,
      Path clientCert,
      Path clientKey,
      boolean created) {}

  private DevPki() {}

  /**
   * Returns usable development material in {@code dir}: the existing files when they all parse,
   * belong together and stay valid for at least another day, otherwise a newly generated set
   * (logging why). Safe against concurrent calls from this and other processes.
   *
   * @throws IOException when the directory or files cannot be created or written
   */
  public static synchronized Material ensure(Path dir) throws IOException {
    Path directory = dir.toAbsolutePath().normalize();
    createPrivateDirectory(directory);
    try (FileChannel lockChannel =
        FileChannel.open(
            directory.resolve(LOCK_FILE),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            AtomicFiles.permissions(directory, AtomicFiles.OWNER_ONLY))) {
      FileLock lock = lockChannel.lock();
      try {
        return ensureLocked(directory);
      } finally {
        lock.release();
      }
    }
  }

  private static Material ensureLocked(Path dir) throws IOException {
    Instant now = Instant.now();
    Optional<String> problem = reuseProblem(dir, now);
    if (problem.isEmpty()) {
      log.info("Using the development PKI in {} (CA {})", dir, dir.resolve(CA_CERT));
      return material(dir, false);
    }
    if (noneExist(dir)) {
      log.info("Creating a development PKI in {} (first start)", dir);
    } else {
      log.warn("Regenerating the development PKI in {}: {}", dir, problem.get());
    }
    generate(dir, now);
    log.info(
        "Development PKI ready in {}: CA {}, client certificate {} ({}) with key {}; for"
            + " development only",
        dir,
        dir.resolve(CA_CERT),
        dir.resolve(CLIENT_CERT),
        CLIENT_IDENTITY,
        dir.resolve(CLIENT_KEY));
    return material(dir, true);
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, AtomicFiles.permissions(dir, AtomicFiles.OWNER_ONLY_DIRECTORY));
      return;
    }
    if (AtomicFiles.isPosix(dir)) {
      Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
      if (!current.equals(AtomicFiles.OWNER_ONLY_DIRECTORY)) {
        log.warn(
            "Development PKI directory {} was accessible to others; restricting it to its"
                + " owner (0700)",
            dir);
        Files.setPosixFilePermissions(dir, AtomicFiles.OWNER_ONLY_DIRECTORY);
      }
    }
  }

  private static boolean noneExist(Path dir) {
    return List.of(CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY, CLIENT_CERT, CLIENT_KEY).stream()
        .noneMatch(name -> Files.exists(dir.resolve(name)));
  }

  /** Why the files in {@code dir} cannot be reused, or empty when they can. */
  static Optional<String> reuseProblem(Path dir, Instant now) {
    try {
      X509Certificate ca = single(dir.resolve(CA_CERT));
      requireKeyFor(dir.resolve(CA_KEY), ca);
      List<X509Certificate> serverChain = certificates(dir.resolve(SERVER_CERT));
      X509Certificate server = serverChain.get(0);
      requireIssuedBy(server, ca, dir.resolve(SERVER_CERT));
      if (serverChain.size() != 2 || !serverChain.get(1).equals(ca)) {
        return Optional.of(
            SERVER_CERT + " does not hold the server certificate followed by the CA");
      }
      requireKeyFor(dir.resolve(SERVER_KEY), server);
      X509Certificate client = single(dir.resolve(CLIENT_CERT));
      requireIssuedBy(client, ca, dir.resolve(CLIENT_CERT));
      requireKeyFor(dir.resolve(CLIENT_KEY), client);
      Instant reuseUntil = now.plus(MINIMUM_REMAINING_VALIDITY);
      for (X509Certificate certificate : List.of(ca, server, client)) {
        if (certificate.getNotBefore().toInstant().isAfter(now)) {
          return Optional.of(
              certificate.getSubjectX500Principal().getName()
                  + " is not valid before "
                  + certificate.getNotBefore().toInstant());
        }
        if (certificate.getNotAfter().toInstant().isBefore(reuseUntil)) {
          return Optional.of(
              certificate.getSubjectX500Principal().getName()
                  + " expires at "
                  + certificate.getNotAfter().toInstant()
                  + ", less than "
                  + MINIMUM_REMAINING_VALIDITY.toHours()
                  + " hours from now");
        }
      }
      return Optional.empty();
    } catch (TlsMaterialException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(Path file) throws TlsMaterialException {
    return Pem.parseCertificates(Pem.read(file), file);
  }

  private static X509Certificate single(Path file) throws TlsMaterialException {
    List<X509Certificate> certificates = certificates(file);
    if (certificates.size() != 1) {
      throw new TlsMaterialException(
          file, "expected one certificate, found " + certificates.size());
    }
    return certificates.get(0);
  }

  private static void requireKeyFor(Path keyFile, X509Certificate certificate)
      throws TlsMaterialException {
    PrivateKey key = Pem.parsePrivateKey(Pem.read(keyFile), keyFile);
    if (!ServerIdentity.matches(key, certificate.getPublicKey())) {
      throw new TlsMaterialException(
          keyFile,
          "key does not match certificate " + certificate.getSubjectX500Principal().getName());
    }
  }

  private static void requireIssuedBy(X509Certificate certificate, X509Certificate ca, Path file)
      throws TlsMaterialException {
    try {
      certificate.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TlsMaterialException(file, "certificate is not signed by the CA in " + CA_CERT);
    }
  }

  private static void generate(Path dir, Instant now) throws IOException {
    DevCertificateIssuer.Issued ca;
    DevCertificateIssuer.Issued server;
    DevCertificateIssuer.Issued client;
    try {
      ca = DevCertificateIssuer.ca(now);
      server = DevCertificateIssuer.server(ca, now);
      client = DevCertificateIssuer.client(ca, now);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the development PKI: " + e.getMessage(), e);
    }
    // Keys before certificates, the CA last: a crash part-way leaves a set that fails the reuse
    // check (keys no longer match), so the next start regenerates everything.
    writeKey(dir.resolve(CLIENT_KEY), client);
    writeKey(dir.resolve(SERVER_KEY), server);
    writeKey(dir.resolve(CA_KEY), ca);
    writeCertificates(dir.resolve(CLIENT_CERT), client.certificate());
    writeCertificates(dir.resolve(SERVER_CERT), server.certificate(), ca.certificate());
    writeCertificates(dir.resolve(CA_CERT), ca.certificate());
  }

  private static void writeKey(Path file, DevCertificateIssuer.Issued issued) throws IOException {
    String pem = Pem.encode("PRIVATE KEY", issued.keyPair().getPrivate().getEncoded());
    AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
  }

  private static void writeCertificates(Path file, X509Certificate... certificates)
      throws IOException {
    StringBuilder pem = new StringBuilder();
    try {
      for (X509Certificate certificate : certificates) {
        pem.append(Pem.encode("CERTIFICATE", certificate.getEncoded()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
    AtomicFiles.write(
        file, pem.toString().getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
  }

  private static Material material(Path dir, boolean created) {
    return new Material(
        dir.resolve(CA_CERT),
        dir.resolve(SERVER_CERT),
        dir.resolve(SERVER_KEY),
        dir.resolve(CLIENT_CERT),
        dir.resolve(CLIENT_KEY),
        created);
  }
}
