/**
 * Writing stage: turns models into Java source files with JavaPoet and the {@link
 * javax.annotation.processing.Filer}. Every generator extends {@link
 * dev.datapunk.mesh.processor.writing.SourceFileGenerator}, which owns what all generated files
 * share.
 */
package dev.datapunk.mesh.processor.writing;
