package dev.datapunk.mesh.runtime.security.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Public keys from a local JWKS file, re-read when the file changes.
 *
 * <p>{@link #current()} looks at the file's modification time, size and file key (inode) at most
 * once per check interval, on the calling thread (one thread per interval; the others just read the
 * current keys). When they changed, the file is read again. A file that cannot be read, does not
 * parse, or holds no public key keeps the keys loaded before, and the problem is logged once per
 * change of the file. {@link #reload()} re-reads at once. A source opened with {@link
 * #openForWatcher} never checks on the calling thread: a file watcher calls {@link
 * #checkForChange()} instead (the server's shared one does, every second).
 *
 * <p>Private members in the file are dropped (only public parts are used) and symmetric ({@code
 * oct}) keys are ignored; both are logged by key id, never with key material.
 */
public final class JwksFileSource implements JwkSetSource {

  /** What {@link #reload()} did. */
  public enum ReloadOutcome {
    /** The file holds the keys already in use. */
    UNCHANGED,
    /** New keys are in use. */
    RELOADED,
    /** The file could not be used; the previous keys stay in use. */
    REJECTED
  }

  /** Larger files are refused: a JWKS of a few dozen keys is a few tens of KiB. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private static final Logger LOG = MeshLoggers.getLogger(JwksFileSource.class);

  private final Path file;
  private final long checkIntervalNanos;
  private final AtomicLong nextCheckNanos;
  private final boolean checksOnRead;
  private volatile JWKSet keys;
  private FileStamp loadedStamp; // guarded by this
  private FileStamp rejectedStamp; // guarded by this
  private final AtomicLong rejectedVersions = new AtomicLong();
  private final AtomicLong reloadedVersions = new AtomicLong();

  private JwksFileSource(
      Path file, Duration checkInterval, boolean checksOnRead, JWKSet keys, FileStamp stamp) {
    this.file = file;
    this.checksOnRead = checksOnRead;
    this.checkIntervalNanos = checkInterval.toNanos();
    this.nextCheckNanos = new AtomicLong(System.nanoTime() + checkIntervalNanos);
    this.keys = keys;
    this.loadedStamp = stamp;
  }

  /**
   * Reads {@code file} and keeps watching it.
   *
   * @param checkInterval how often {@link #current()} may look at the file; zero checks on every
   *     call
   * @throws IOException when the file cannot be read, does not parse as a JWKS, or holds no public
   *     key; the message names the file
   */
  public static JwksFileSource open(Path file, Duration checkInterval) throws IOException {
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (checkInterval.isNegative()) {
      throw new IllegalArgumentException(
          "checkInterval must not be negative (was " + checkInterval + ")");
    }
    return open(file, checkInterval, true);
  }

  /**
   * Reads {@code file}; it is looked at again only when {@link #checkForChange()} is called, by a
   * file watcher's thread, never on the thread that asks for the keys.
   *
   * @throws IOException as {@link #open(Path, Duration)}
   */
  public static JwksFileSource openForWatcher(Path file) throws IOException {
    return open(file, Duration.ZERO, false);
  }

  private static JwksFileSource open(Path file, Duration checkInterval, boolean checksOnRead)
      throws IOException {
    Objects.requireNonNull(file, "file");
    FileStamp stamp = FileStamp.of(file);
    JWKSet keys;
    try {
      keys = read(file);
    } catch (JwksFileException e) {
      throw new IOException(e.getMessage(), e.getCause());
    }
    return new JwksFileSource(file, checkInterval, checksOnRead, keys, stamp);
  }

  /** The watched file. */
  public Path file() {
    return file;
  }

  /**
   * How many versions of the file (distinct time stamps, or its absence) were rejected since {@link
   * #open}; each was logged once. For metrics and health checks.
   */
  public long rejectedVersions() {
    return rejectedVersions.get();
  }

  /**
   * How many times new keys were put in force since {@link #open} (a changed file holding the same
   * keys does not count). For metrics.
   */
  public long reloadedVersions() {
    return reloadedVersions.get();
  }

  @Override
  public JWKSet current() {
    if (!checksOnRead) {
      return keys;
    }
    long now = System.nanoTime();
    long next = nextCheckNanos.get();
    if (now - next >= 0 && nextCheckNanos.compareAndSet(next, now + checkIntervalNanos)) {
      reloadIfStampChanged();
    }
    return keys;
  }

  /**
   * Reads the file now, whether or not its time stamp changed.
   *
   * @return whether new keys are in use
   */
  public synchronized ReloadOutcome reload() {
    FileStamp stamp;
    try {
      stamp = FileStamp.of(file);
    } catch (IOException e) {
      logRejected(FileStamp.MISSING, "JWKS file " + file + " cannot be read: " + describe(e));
      return ReloadOutcome.REJECTED;
    }
    return load(stamp);
  }

  /**
   * Reads the file again if its modification time, size or file key changed since it was last read;
   * what a file watcher calls. Never throws: a bad file keeps the previous keys (logged once).
   */
  public void checkForChange() {
    reloadIfStampChanged();
  }

  private synchronized void reloadIfStampChanged() {
    FileStamp stamp;
    try {
      stamp = FileStamp.of(file);
    } catch (IOException e) {
      logRejected(FileStamp.MISSING, "JWKS file " + file + " cannot be read: " + describe(e));
      return;
    }
    if (stamp.equals(loadedStamp) || stamp.equals(rejectedStamp)) {
      return;
    }
    load(stamp);
  }

  private ReloadOutcome load(FileStamp stamp) {
    JWKSet fresh;
    try {
      fresh = read(file);
    } catch (JwksFileException e) {
      logRejected(stamp, e.getMessage());
      return ReloadOutcome.REJECTED;
    }
    loadedStamp = stamp;
    rejectedStamp = null;
    if (fresh.equals(keys)) {
      return ReloadOutcome.UNCHANGED;
    }
    keys = fresh;
    reloadedVersions.incrementAndGet();
    LOG.info("Loaded {} token signing key(s) from {}", fresh.size(), file);
    return ReloadOutcome.RELOADED;
  }

  private void logRejected(FileStamp stamp, String problem) {
    if (stamp.equals(rejectedStamp)) {
      return;
    }
    rejectedStamp = stamp;
    rejectedVersions.incrementAndGet();
    LOG.error("Token signing keys not reloaded; keeping the previous keys: {}", problem);
  }

  private static JWKSet read(Path file) throws JwksFileException {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new JwksFileException(
            "JWKS file "
                + file
                + " is "
                + size
                + " bytes, more than the limit of "
                + MAX_FILE_BYTES,
            null);
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JwksFileException("JWKS file " + file + " cannot be read: " + describe(e), e);
    }
    try {
      return JwksDocuments.publicKeys(text, "JWKS file " + file);
    } catch (JwksDocuments.InvalidJwksException e) {
      throw new JwksFileException(e.getMessage(), null);
    }
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException
        ? "no such file"
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** What identifies one version of the file without reading it. */
  private record FileStamp(FileTime modified, long size, Object fileKey) {
    static final FileStamp MISSING = new FileStamp(FileTime.fromMillis(0), -1, null);

    static FileStamp of(Path file) throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
  }

  /** Internal: a file that cannot be used, with a message naming it. */
  private static final class JwksFileException extends Exception {
    private static final long serialVersionUID = 1L;

    JwksFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
