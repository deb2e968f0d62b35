package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The development token-signing key of the embedded defaults: an EC P-256 (ES256) key whose {@code
 * kid} is its RFC 7638 thumbprint.
 *
 * <p>{@link #ensure(Path)} creates it on first call as {@code jwt-signing-key.json} (the private
 * JWK, permissions 0600 from creation on) and {@code jwks.json} (the public JWK set a verifier
 * loads, 0644), each written to a temporary file in the same directory and moved into place
 * atomically; later calls reuse the key and rewrite {@code jwks.json} only if it does not match. A
 * lock file in the directory serializes processes starting at the same time.
 *
 * <p>For development only: the key sits unencrypted on disk.
 */
public final class DevSigningKey {

  /** The private key file's name inside the development directory. */
  public static final String KEY_FILE_NAME = "jwt-signing-key.json";

  /** The public key set file's name inside the development directory. */
  public static final String JWKS_FILE_NAME = "jwks.json";

  private static final String LOCK_FILE_NAME = ".jwt-signing-key.lock";
  private static final Logger LOG = MeshLoggers.getLogger(DevSigningKey.class);
  private static final Object JVM_LOCK = new Object();

  private final Path keyFile;
  private final Path jwksFile;
  private final ECKey signingKey;
  private final boolean created;

  private DevSigningKey(Path keyFile, Path jwksFile, ECKey signingKey, boolean created) {
    this.keyFile = keyFile;
    this.jwksFile = jwksFile;
    this.signingKey = signingKey;
    this.created = created;
  }

  /**
   * Loads the development key from {@code devDir}, creating the directory and the key first if
   * needed.
   *
   * @throws IOException when the files cannot be written or read, or the key file does not hold an
   *     EC P-256 private JWK (the message names the file; delete it to get a new key)
   */
  public static DevSigningKey ensure(Path devDir) throws IOException {
    Objects.requireNonNull(devDir, "devDir");
    synchronized (JVM_LOCK) {
      createDirectory(devDir);
      try (FileChannel lockChannel =
          FileChannel.open(
              devDir.resolve(LOCK_FILE_NAME),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        FileLock lock = lockChannel.lock();
        try {
          return ensureLocked(devDir);
        } finally {
          lock.release();
        }
      }
    }
  }

  /** The private JWK file. */
  public Path keyFile() {
    return keyFile;
  }

  /** The public JWK set file, for {@link JwksFileSource}. */
  public Path jwksFile() {
    return jwksFile;
  }

  /** The private signing key. Never log it. */
  public ECKey signingKey() {
    return signingKey;
  }

  /** The key's {@code kid}. */
  public String keyId() {
    return signingKey.getKeyID();
  }

  /** Whether this call created the key (false when an existing key was reused). */
  public boolean created() {
    return created;
  }

  @Override
  public String toString() {
    return "DevSigningKey[kid=" + keyId() + ", keyFile=" + keyFile + "]";
  }

  private static DevSigningKey ensureLocked(Path devDir) throws IOException {
    Path keyFile = devDir.resolve(KEY_FILE_NAME);
    Path jwksFile = devDir.resolve(JWKS_FILE_NAME);
    boolean created = false;
    ECKey key;
    if (Files.exists(keyFile)) {
      key = readKey(keyFile);
      warnIfReadableByOthers(keyFile);
    } else {
      key = newSigningKey();
      writeAtomically(keyFile, key.toJSONString(), true);
      created = true;
      LOG.info("Created development token-signing key kid={} at {}", key.getKeyID(), keyFile);
    }
    String jwks = new JWKSet(key.toPublicJWK()).toString(true);
    if (!Files.exists(jwksFile)
        || !jwks.equals(Files.readString(jwksFile, StandardCharsets.UTF_8))) {
      writeAtomically(jwksFile, jwks, false);
    }
    return new DevSigningKey(keyFile, jwksFile, key, created);
  }

  /**
   * A new key of the kind {@link #ensure} keeps on disk (EC P-256 private JWK for ES256, {@code
   * use=sig}, {@code kid} its thumbprint), held in memory only: for tests that trust a key of their
   * own and write no file. Sign tokens with it through {@link DevTokens#mint(ECKey,
   * DevTokenRequest, java.time.Clock)}; its public half ({@code toPublicJWK()}) is what a verifier
   * trusts.
   */
  public static ECKey newSigningKey() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key: " + e.getMessage(), e);
    }
  }

  private static ECKey readKey(Path keyFile) throws IOException {
    JWK parsed;
    try {
      parsed = JWK.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new IOException(
          keyFile
              + " is not a JWK ("
              + e.getMessage()
              + "); delete it to create a new development key");
    }
    if (!(parsed instanceof ECKey ec)
        || !Curve.P_256.equals(ec.getCurve())
        || !ec.isPrivate()
        || ec.getKeyID() == null) {
      throw new IOException(
          keyFile
              + " does not hold an EC P-256 private JWK with a kid; delete it to create a new"
              + " development key");
    }
    return ec;
  }

  private static void createDirectory(Path devDir) throws IOException {
    if (Files.isDirectory(devDir)) {
      return;
    }
    Files.createDirectories(
        devDir, AtomicFiles.permissions(devDir, AtomicFiles.OWNER_ONLY_DIRECTORY));
  }

  private static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    AtomicFiles.write(
        target,
        content.getBytes(StandardCharsets.UTF_8),
        secret ? AtomicFiles.OWNER_ONLY : AtomicFiles.WORLD_READABLE);
  }

  private static void warnIfReadableByOthers(Path keyFile) throws IOException {
    if (!AtomicFiles.isPosix(keyFile)) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
    for (PosixFilePermission perm : perms) {
      if (perm.name().startsWith("GROUP_") || perm.name().startsWith("OTHERS_")) {
        LOG.warn(
            "Development signing key {} is accessible to other users ({}); chmod 600 it",
            keyFile,
            PosixFilePermissions.toString(perms));
        return;
      }
    }
  }
}
