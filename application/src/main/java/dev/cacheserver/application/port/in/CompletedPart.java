package dev.cacheserver.application.port.in;

/** One entry of the {@code parts} list of a {@code complete} call: the part number and the ETag we answered. */
public record CompletedPart(int partNumber, String eTag) {
}
