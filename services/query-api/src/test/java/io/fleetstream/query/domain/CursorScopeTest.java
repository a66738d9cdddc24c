package io.fleetstream.query.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorScopeTest {

    private static final Instant AT = Instant.parse("2024-02-02T12:00:00.123456Z");

    private static Cursor.Scope alerts(String deviceId, Set<String> states, Instant from) {
        return Cursor.Scope.of("a", Cursor.filters("deviceId", deviceId, "state", states, "from", from));
    }

    @Test
    void aCursorContinuesTheSameFiltersWhateverTheOrderOfARepeatedParameter() {
        String cursor = alerts("dev-a", Set.of("open", "acknowledged"), null).encode(AT, "alert-7");

        Cursor.Position position = alerts("dev-a", new java.util.LinkedHashSet<>(List.of("acknowledged", "open")), null)
                .decode(cursor);

        assertThat(position).isEqualTo(new Cursor.Position(AT, "alert-7"));
    }

    @Test
    void refusesACursorUsedWithOtherFiltersNamingThemAndTheWayOut() {
        String cursor = alerts("dev-a", Set.of("open"), null).encode(AT, "alert-7");

        for (Cursor.Scope other : List.of(
                alerts("dev-b", Set.of("open"), null),
                alerts("dev-a", Set.of(), null),
                alerts("dev-a", Set.of("open", "cleared"), null),
                alerts("dev-a", Set.of("open"), AT))) {
            assertThatThrownBy(() -> other.decode(cursor)).isInstanceOfSatisfying(QueryException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.errors()).singleElement().satisfies(error -> {
                    assertThat(error.field()).isEqualTo("cursor");
                    assertThat(error.message())
                            .contains("other filters")
                            .contains("same deviceId, state, from")
                            .contains("omit cursor to start again");
                });
            });
        }
    }

    @Test
    void anAbsentFilterDiffersFromAnEmptyValue() {
        String cursor = Cursor.Scope.of("r", Cursor.filters("metric", null)).encode(AT, null);

        assertThatThrownBy(
                        () -> Cursor.Scope.of("r", Cursor.filters("metric", "")).decode(cursor))
                .isInstanceOf(QueryException.class);
    }

    @Test
    void refusesACursorOfAnotherEndpointAsNotIssuedHere() {
        String cursor = Cursor.Scope.of("r", Cursor.filters("deviceId", "d")).encode(AT, null);

        assertThatThrownBy(() ->
                        Cursor.Scope.of("a", Cursor.filters("deviceId", "d")).decode(cursor))
                .isInstanceOfSatisfying(
                        QueryException.class, e -> assertThat(e.errors().get(0).message())
                                .startsWith("not a cursor issued by this endpoint"));
    }
}
