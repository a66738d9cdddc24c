package io.fleetstream.bench;

/**
 * Sends telemetry requests to the gateway and reports each answer. Implementations keep connections open between
 * requests (HTTP/1.1 keep-alive) and never pipeline: a connection carries one request at a time, as devices do.
 */
interface LoadClient extends AutoCloseable {

    /** What became of one request; called exactly once, on a thread of the client. */
    interface Answer {

        void response(int status, String body);

        void failure(Throwable error);
    }

    /** Sends {@code POST /v1/telemetry} with a JSON body; does not block. */
    void post(String authorization, byte[] body, Answer answer);

    /** A short description for the report, such as {@code vertx, 1 event loop}. */
    String describe();

    @Override
    void close();
}
