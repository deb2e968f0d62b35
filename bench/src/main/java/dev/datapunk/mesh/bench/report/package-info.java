/** Small helpers the benchmark mains share: command-line options and Markdown tables. */
package dev.datapunk.mesh.bench.report;
