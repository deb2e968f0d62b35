package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import io.grpc.ServerServiceDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The methods of a server's mesh services, against which configured per-method settings ({@code
 * ratelimit.override.<full/Method>.*}, {@code limits.adaptive.reserved.<full/Method>}) are checked,
 * at start and on every reload.
 */
final class ConfiguredMethods {

  private final Set<String> methods;

  private ConfiguredMethods(Set<String> methods) {
    this.methods = Set.copyOf(methods);
  }

  static ConfiguredMethods of(List<ServerServiceDefinition> services) {
    Set<String> methods = new HashSet<>();
    services.forEach(
        s -> s.getMethods().forEach(m -> methods.add(m.getMethodDescriptor().getFullMethodName())));
    return new ConfiguredMethods(methods);
  }

  /**
   * @throws ConfigException naming the key and where it came from when a per-method setting of
   *     {@code config} names a method no mesh service of this server has
   */
  void check(MeshConfig config) {
    rejectUnknown(config, "ratelimit.override.", config.rateLimit().overrides().keySet());
    rejectUnknown(config, "limits.adaptive.reserved.", config.limits().reserved().keySet());
  }

  private void rejectUnknown(MeshConfig config, String prefix, Set<String> configured) {
    for (String method : configured) {
      if (!methods.contains(method)) {
        String key = prefix + method;
        String source =
            config.entries().stream()
                .filter(entry -> entry.key().equals(key) || entry.key().startsWith(key + "."))
                .map(entry -> " (from " + entry.source() + ")")
                .findFirst()
                .orElse("");
        throw new ConfigException(
            key + ": no mesh service of this server has method " + method + source);
      }
    }
  }
}
