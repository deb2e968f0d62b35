package dev.datapunk.mesh.userproject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * mesh-bom and mesh-service-parent have no parent, so they spell out versions the reactor also
 * names: users build against exactly what the mesh is built and tested with.
 */
class UserBuildVersionsTest {

  private static final Path ROOT = Path.of(System.getProperty("mesh.it.reactorRoot"));

  @Test
  void theBomManagesTheReactorsProtobufGrpcSlf4jAndOpenTelemetryVersions() throws Exception {
    Element reactor = pom(ROOT.resolve("pom.xml"));
    Element bom = pom(ROOT.resolve("bom/pom.xml"));
    for (String property :
        new String[] {
          "protobuf.version", "grpc.version", "slf4j.version", "opentelemetry.version"
        }) {
      assertThat(property(bom, property))
          .as("mesh-bom %s", property)
          .isEqualTo(property(reactor, property));
    }
    assertThat(child(bom, "version")).isEqualTo(child(reactor, "version"));
  }

  @Test
  void theServiceParentUsesTheReactorsVersionsAndCodeGenerators() throws Exception {
    Element reactor = pom(ROOT.resolve("pom.xml"));
    Element parent = pom(ROOT.resolve("service-parent/pom.xml"));
    assertThat(child(parent, "version")).isEqualTo(child(reactor, "version"));
    assertThat(property(parent, "mesh.version")).isEqualTo(child(reactor, "version"));
    assertThat(property(parent, "mesh.protoc.version"))
        .isEqualTo(property(reactor, "protobuf.version"));
    assertThat(property(parent, "mesh.protoc-gen-grpc-java.version"))
        .isEqualTo(property(reactor, "grpc.protoc.version"));
  }

  private static Element pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(file.toFile())
        .getDocumentElement();
  }

  private static String property(Element project, String name) {
    Element properties = (Element) project.getElementsByTagName("properties").item(0);
    return properties.getElementsByTagName(name).item(0).getTextContent().strip();
  }

  /** The text of a direct child element of the project, e.g. its own version (not its parent's). */
  private static String child(Element project, String name) {
    for (var node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element.getTextContent().strip();
      }
    }
    throw new AssertionError(
        project.getOwnerDocument().getDocumentURI() + " has no <" + name + ">");
  }
}
