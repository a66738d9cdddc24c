package io.fleetstream.infra;

/**
 * A server could not bind its port because another process holds it. Callers that picked the port themselves catch
 * this and try a fresh one; callers that asked for a specific port see it as a plain {@link IllegalStateException}.
 */
final class PortTakenException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String summary;

    PortTakenException(String summary, String details) {
        super(details.isEmpty() ? summary : summary + System.lineSeparator() + details);
        this.summary = summary;
    }

    /** The one-line reason, without the log excerpt, for a retry message. */
    String summary() {
        return summary;
    }
}
