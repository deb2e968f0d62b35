package dev.datapunk.mesh.sample;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.datapunk.mesh.annotations.MeshAdvice;
import dev.datapunk.mesh.annotations.MeshExceptionHandler;

/** Exception handlers for every service of the sample. */
@MeshAdvice
public final class RequestErrors {

  private RequestErrors() {}

  /**
   * {@code INVALID_ARGUMENT}, its message the description, with a {@code BadRequest} naming the
   * field.
   */
  @MeshExceptionHandler
  public static com.google.rpc.Status invalidRequest(InvalidRequestException e) {
    BadRequest badRequest =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField(e.field())
                    .setDescription(e.getMessage()))
            .build();
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(e.getMessage())
        .addDetails(Any.pack(badRequest))
        .build();
  }
}
