package io.fleetstream.registry.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorTest {

    @Test
    void roundTripsTheLastId() {
        String cursor = Cursor.after("device:42");

        assertThat(cursor).doesNotContain("device").doesNotContain("=");
        assertThat(Cursor.lastId(cursor)).isEqualTo("device:42");
    }

    @Test
    void startsAtTheFirstPageWithoutCursor() {
        assertThat(Cursor.lastId(null)).isNull();
    }

    @Test
    void rejectsCursorsItDidNotMake() {
        assertThatThrownBy(() -> Cursor.lastId("%%%"))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).errors())
                        .extracting(FieldError::field)
                        .containsExactly("cursor"));
        assertThatThrownBy(() -> Cursor.lastId("djI6YWJj")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void defaultsLimitToOneHundredAndBoundsIt() {
        assertThat(Cursor.limit(null)).isEqualTo(100);
        assertThat(Cursor.limit("1000")).isEqualTo(1000);
        assertThatThrownBy(() -> Cursor.limit("0")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Cursor.limit("1001")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Cursor.limit("2.5")).isInstanceOf(InvalidRequestException.class);
    }
}
