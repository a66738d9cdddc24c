package io.fleetstream.registry.http;

import java.util.List;

/** List JSON: {@code {items, nextCursor, hasMore}}; nextCursor is null on the last page. */
public record PageView<T>(List<T> items, String nextCursor, boolean hasMore) {}
