package dev.datapunk.mesh.runtime.tracing;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * gRPC {@link Metadata} as a carrier of propagated context: read by the server's stage, written by
 * the client interceptor. The W3C fields ({@code traceparent}, {@code tracestate}, {@code baggage})
 * have their keys made once; a propagator asking for another field gets a key made on the spot.
 */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  private static final Metadata.Key<String> TRACEPARENT = key("traceparent");
  private static final Metadata.Key<String> TRACESTATE = key("tracestate");
  private static final Metadata.Key<String> BAGGAGE = key("baggage");

  @Override
  @SuppressWarnings(
      "deprecation") // deprecated in TextMapGetter, still called by propagators that list fields
  public Iterable<String> keys(Metadata carrier) {
    return carrier.keys();
  }

  @Override
  public String get(Metadata carrier, String field) {
    return carrier == null ? null : carrier.get(keyOf(field));
  }

  @Override
  public void set(Metadata carrier, String field, String value) {
    if (carrier != null) {
      Metadata.Key<String> key = keyOf(field);
      carrier.removeAll(key);
      carrier.put(key, value);
    }
  }

  private static Metadata.Key<String> keyOf(String field) {
    return switch (field) {
      case "traceparent" -> TRACEPARENT;
      case "tracestate" -> TRACESTATE;
      case "baggage" -> BAGGAGE;
      default -> key(field);
    };
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
