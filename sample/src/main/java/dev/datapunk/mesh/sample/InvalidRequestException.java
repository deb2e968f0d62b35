package dev.datapunk.mesh.sample;

/**
 * A request field has a value the service refuses; {@link RequestErrors} maps it to {@code
 * INVALID_ARGUMENT} with a {@code google.rpc.BadRequest} naming the field.
 */
public final class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the path of the field in the request, e.g. {@code item.quantity}
   * @param description what is wrong with it, sent to the client, e.g. {@code quantity must be >=
   *     0}
   */
  public InvalidRequestException(String field, String description) {
    super(description);
    this.field = field;
  }

  /** The path of the field in the request. */
  public String field() {
    return field;
  }
}
