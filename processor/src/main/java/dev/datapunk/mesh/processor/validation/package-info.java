/**
 * Validation stage: checks services and mesh annotations and returns {@link
 * dev.datapunk.mesh.processor.validation.ValidationReport}s instead of printing.
 *
 * <p>Every text a user can see is a {@link dev.datapunk.mesh.processor.validation.Message} constant
 * with a stable tag. The processor prints each report item on the most specific element it names
 * (method, annotation, annotation value).
 */
package dev.datapunk.mesh.processor.validation;
