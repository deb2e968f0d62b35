package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The {@code dev-token} command line the start-up message suggests while tokens are verified with
 * the development key: a token for subject {@code alice} with every scope the served methods
 * require, so it can call each of them. The scopes are sorted, so the line is the same on every
 * start; without any {@code @Secured} method the line has no {@code --scopes}.
 */
final class DevTokenHint {

  private DevTokenHint() {}

  /** E.g. {@code dev-token --subject=alice --scopes=inventory:read,inventory:write}. */
  static String commandLine(List<? extends MeshBinding> bindings) {
    SortedSet<String> scopes = new TreeSet<>();
    for (MeshBinding binding : bindings) {
      for (MethodPolicy policy : binding.policies()) {
        scopes.addAll(policy.requiredScopes());
      }
    }
    String command = MeshApplication.DEV_TOKEN_COMMAND + " --subject=alice";
    return scopes.isEmpty() ? command : command + " --scopes=" + String.join(",", scopes);
  }
}
