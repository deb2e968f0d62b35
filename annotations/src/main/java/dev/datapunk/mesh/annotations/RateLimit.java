package dev.datapunk.mesh.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits the call rate of each client with a token bucket per client and per method.
 *
 * <p>Each (method, client) pair has a bucket holding at most {@link #burst()} tokens that refills
 * continuously at {@link #rps()} tokens per second; a client seen for the first time starts with a
 * full bucket. Every call takes one token when it starts, whatever its kind: a unary call, and a
 * client-, server- or bidirectional-streaming call each count as one call, however many messages
 * they carry. A call that finds the bucket empty ends with {@code RESOURCE_EXHAUSTED} and a {@code
 * google.rpc.RetryInfo} giving the time until the next token; it never reaches the service.
 *
 * <p>The client is the verified identity of the caller: the mTLS peer identity, else the bearer
 * token's subject, else the remote address. Headers the client sets are never used as identity.
 *
 * <p>On the class, the annotation applies to every RPC method that has no {@code @RateLimit} of its
 * own; each method still has its own buckets. On a method it replaces the class-level limit.
 * Configuration ({@code ratelimit.override.<service>/<Method>.rps} and {@code .burst}) can replace
 * either value at run time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RateLimit {

  /** Sustained rate in calls per second per client; greater than 0 and at most 1,000,000. */
  double rps();

  /** Bucket size: the most calls a rested client may make at once; 1 to 1,000,000. */
  int burst();
}
