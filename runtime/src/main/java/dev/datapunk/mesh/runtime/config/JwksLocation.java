package dev.datapunk.mesh.runtime.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where token signature keys are read from ({@code auth.jwt.jwks}): a local file or an https URL.
 */
public sealed interface JwksLocation {

  /**
   * A JWKS document fetched over https.
   *
   * @param uri an absolute {@code https} URI with a host
   */
  record Url(URI uri) implements JwksLocation {
    public Url {
      Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String toString() {
      return uri.toString();
    }
  }

  /**
   * A JWKS document in a local file.
   *
   * @param path the file, resolved against the working directory
   */
  record File(Path path) implements JwksLocation {
    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }
}
