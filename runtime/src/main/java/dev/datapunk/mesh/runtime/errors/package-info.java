/**
 * Exception handlers: how an exception raised while serving a call (thrown by service code or by a
 * stage, or passed to {@code StreamObserver.onError}) becomes the status the call ends with.
 *
 * <p>Tables of handlers ({@link dev.datapunk.mesh.runtime.errors.ExceptionHandlers}) are generated
 * at compile time from {@code @MeshExceptionHandler} methods: one per service, in its binding, and
 * one of global handlers, in the bootstrap. The metrics stage applies them ({@link
 * dev.datapunk.mesh.runtime.errors.ExceptionMapper}), so the status it records is the status the
 * client sees.
 */
package dev.datapunk.mesh.runtime.errors;
