package dev.datapunk.mesh.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader (or a crash) never sees half a file: the content goes to a
 * temporary file in the same directory, created with its final permissions, is flushed to disk and
 * then renamed over the target in one step. Used for the development PKI and signing key.
 */
public final class AtomicFiles {

  /** {@code rw-------}: private keys. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /** {@code rw-r--r--}: certificates and public keys. */
  public static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** {@code rwx------}: the directory holding private keys. */
  public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private AtomicFiles() {}

  /** Whether the file system of {@code path} supports POSIX permissions. */
  public static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Attributes that create a file or directory with {@code permissions}, if POSIX applies. */
  public static FileAttribute<?>[] permissions(Path path, Set<PosixFilePermission> permissions) {
    return isPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  /** Atomically replaces {@code target} by {@code content}, created with {@code permissions}. */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp =
        Files.createTempFile(
            dir, "." + target.getFileName() + ".", ".tmp", permissions(dir, permissions));
    try {
      if (isPosix(dir)) {
        // The umask may have narrowed what createTempFile set; wider sets (WORLD_READABLE) need
        // restoring.
        Files.setPosixFilePermissions(temp, permissions);
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }
}
