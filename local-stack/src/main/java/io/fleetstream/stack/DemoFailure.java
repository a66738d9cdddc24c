package io.fleetstream.stack;

/** The demo cannot go on; the message says what went wrong and where to look, for a person at a terminal. */
public final class DemoFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DemoFailure(String message) {
        super(message);
    }

    public DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
