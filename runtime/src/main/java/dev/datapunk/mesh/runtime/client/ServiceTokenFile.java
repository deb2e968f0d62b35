package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The service token of a client ({@code client.<name>.token: service}): the content of {@code
 * client.<name>.token-file}, re-read whenever the file changes (checked on the server's file
 * thread), so a token rotated by a sidecar or a Kubernetes secret is used from the next call.
 *
 * <p>The file holds one token; surrounding whitespace is ignored. A file that cannot be read, is
 * empty, holds more than {@value #MAX_BYTES} bytes or anything but printable ASCII without spaces
 * stops the start; after the start such a change is logged once and the previous token stays in
 * use. The token itself is never logged, nor put in any message.
 */
final class ServiceTokenFile implements Runnable {

  /** The longest token accepted, as the mesh server accepts. */
  static final int MAX_BYTES = 8 * 1024;

  private static final Logger log = MeshLoggers.getLogger(ServiceTokenFile.class);

  private final Path file;
  private final String key;
  private byte[] applied;
  private String lastRejection;
  private volatile String token;

  private ServiceTokenFile(Path file, String key) {
    this.file = Objects.requireNonNull(file, "file");
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * Reads {@code file} and keeps it current on {@code files}' thread.
   *
   * @param key the configuration key naming the file, for messages
   * @return the token file and the registration that stops checking it
   * @throws IllegalStateException naming {@code key} when the file cannot be used
   */
  static Watched watch(Path file, String key, FileWatcher files) {
    ServiceTokenFile tokenFile = new ServiceTokenFile(file, key);
    try {
      tokenFile.apply(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalStateException(
          key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(key + ": " + file + " " + e.getMessage(), e);
    }
    return new Watched(tokenFile, files.watch("service token file " + file, tokenFile));
  }

  /** A token file and the registration of its check. */
  record Watched(ServiceTokenFile tokenFile, AutoCloseable registration) {}

  /** The current token. */
  String token() {
    return token;
  }

  /** One check for a change. Never throws. */
  @Override
  public void run() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      reject("cannot be read (" + e.getClass().getSimpleName() + ")");
      return;
    }
    if (Arrays.equals(content, applied)) {
      lastRejection = null;
      return;
    }
    try {
      apply(content);
    } catch (IllegalArgumentException e) {
      reject(e.getMessage());
      return;
    }
    lastRejection = null;
    log.info("{}: service token reloaded from {}", key, file);
  }

  private void reject(String problem) {
    if (!problem.equals(lastRejection)) {
      log.error("{}: {} {}; still using the previous service token", key, file, problem);
      lastRejection = problem;
    }
  }

  private void apply(byte[] content) {
    if (content.length > MAX_BYTES) {
      throw new IllegalArgumentException("holds more than " + MAX_BYTES + " bytes");
    }
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "holds a character that is not printable ASCII (at offset " + i + ")");
      }
    }
    token = text;
    applied = content;
  }
}
