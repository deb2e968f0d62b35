package dev.datapunk.mesh.test.probe;

import dev.datapunk.mesh.annotations.MeshExceptionHandler;
import dev.datapunk.mesh.annotations.MeshService;
import dev.datapunk.mesh.annotations.Public;
import dev.datapunk.mesh.annotations.RateLimit;
import dev.datapunk.mesh.annotations.Secured;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import dev.datapunk.mesh.test.probe.v1.HelloReply;
import dev.datapunk.mesh.test.probe.v1.HelloRequest;
import dev.datapunk.mesh.test.probe.v1.ProbeServiceGrpc;
import dev.datapunk.mesh.test.probe.v1.ReadReply;
import dev.datapunk.mesh.test.probe.v1.ReadRequest;
import dev.datapunk.mesh.test.probe.v1.WatchRequest;
import dev.datapunk.mesh.test.probe.v1.WriteReply;
import dev.datapunk.mesh.test.probe.v1.WriteRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A small annotated service with one method per kind of policy, for the kit's own tests. */
@MeshService
@Secured(scopes = "probe:read")
@RateLimit(rps = 10, burst = 3)
public class ProbeService extends ProbeServiceGrpc.ProbeServiceImplBase {

  /**
   * The full name of a method of this service, e.g. {@code meshtest.probe.v1.ProbeService/Write}.
   */
  public static String method(String name) {
    return ProbeServiceGrpc.SERVICE_NAME + "/" + name;
  }

  private final Map<String, String> values = new ConcurrentHashMap<>(Map.of("greeting", "hello"));
  private final AtomicLong version = new AtomicLong();

  @Override
  @Public
  public void hello(HelloRequest request, StreamObserver<HelloReply> responseObserver) {
    String caller = MeshPrincipal.current().map(MeshPrincipal::verifiedName).orElse("anonymous");
    responseObserver.onNext(HelloReply.newBuilder().setCaller(caller).build());
    responseObserver.onCompleted();
  }

  @Override
  public void read(ReadRequest request, StreamObserver<ReadReply> responseObserver) {
    String value = values.get(request.getKey());
    if (value == null) {
      throw new NoSuchKeyException(request.getKey());
    }
    responseObserver.onNext(
        ReadReply.newBuilder().setKey(request.getKey()).setValue(value).build());
    responseObserver.onCompleted();
  }

  @Override
  @Secured(scopes = "probe:write")
  @RateLimit(rps = 5, burst = 5)
  public void write(WriteRequest request, StreamObserver<WriteReply> responseObserver) {
    values.put(request.getKey(), request.getValue());
    responseObserver.onNext(WriteReply.newBuilder().setVersion(version.incrementAndGet()).build());
    responseObserver.onCompleted();
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<ReadReply> responseObserver) {
    for (int i = 0; i < request.getCount(); i++) {
      responseObserver.onNext(
          ReadReply.newBuilder().setKey("watch").setValue(Integer.toString(i)).build());
    }
    responseObserver.onCompleted();
  }

  @MeshExceptionHandler
  Status noSuchKey(NoSuchKeyException e) {
    return Status.NOT_FOUND.withDescription("no key " + e.key());
  }

  /** Read of a key that holds nothing. */
  public static final class NoSuchKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    NoSuchKeyException(String key) {
      super("no key " + key);
      this.key = key;
    }

    String key() {
      return key;
    }
  }
}
