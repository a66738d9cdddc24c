package io.fleetstream.bench;

import io.fleetstream.infra.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The default load generator: plain HTTP/1.1 over non-blocking sockets on one thread, with a fixed set of keep-alive
 * connections opened up front. A request is its header and body written in one gathering write; an answer is read
 * until its {@code Content-Length} is complete. It speaks just enough HTTP for the gateway's answers (which always
 * carry a {@code Content-Length}); anything else is reported as a failure, not guessed at.
 *
 * <p>It exists because the load generator shares the machine's cores with the gateway and the broker: the Vert.x
 * client needed 45 to 55 us of CPU per 100-reading request here, taken from the gateway it measures.
 */
final class NioLoadClient implements LoadClient {

    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    private final int port;
    private final int connections;
    private final Selector selector;
    private final Queue<Request> submitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all = new ArrayList<>();
    private final Thread loop;
    private volatile boolean closed;

    NioLoadClient(int port, int connections) {
        this.port = port;
        this.connections = connections;
        try {
            this.selector = Selector.open();
            for (int i = 0; i < connections; i++) {
                open();
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Could not open " + connections + " connections to the gateway", e);
        }
        this.loop = new Thread(this::run, "bench-nio-client");
        loop.setDaemon(true);
        loop.start();
    }

    private record Request(ByteBuffer head, ByteBuffer body, Answer answer) {}

    @Override
    public void post(String authorization, byte[] body, Answer answer) {
        String head = "POST /v1/telemetry HTTP/1.1\r\nHost: " + Ports.LOOPBACK_HOST + ":" + port
                + "\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        submitted.add(
                new Request(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(body), answer));
        if (Thread.currentThread() != loop) {
            selector.wakeup();
        }
    }

    private void run() {
        try {
            while (!closed) {
                startSubmitted();
                if (submitted.isEmpty() || idle.isEmpty()) {
                    selector.select(100);
                } else {
                    selector.selectNow();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Connection connection = (Connection) key.attachment();
                    if (key.isValid() && key.isWritable()) {
                        connection.write();
                    }
                    if (key.isValid() && key.isReadable()) {
                        connection.read();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                System.err.println("The load generator's loop stopped: " + e);
            }
        }
    }

    private void startSubmitted() {
        while (!idle.isEmpty()) {
            Request request = submitted.poll();
            if (request == null) {
                return;
            }
            idle.poll().start(request);
        }
    }

    /** One keep-alive connection carrying one request at a time. */
    private final class Connection {
        private final SocketChannel channel;
        private SelectionKey key;
        private Request request;
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private int headerEnd = -1;
        private int status;
        private int contentLength;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void start(Request next) {
            request = next;
            in.clear();
            headerEnd = -1;
            write();
        }

        void write() {
            try {
                channel.write(new ByteBuffer[] {request.head(), request.body()});
                boolean done = !request.body().hasRemaining();
                key.interestOps(done ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
            } catch (IOException e) {
                fail(e);
            }
        }

        void read() {
            try {
                if (!in.hasRemaining()) {
                    ByteBuffer larger = ByteBuffer.allocate(in.capacity() * 2);
                    in.flip();
                    larger.put(in);
                    in = larger;
                }
                if (channel.read(in) < 0) {
                    fail(new IOException("the gateway closed the connection"));
                    return;
                }
                if (headerEnd < 0 && !parseHead()) {
                    return;
                }
                if (in.position() < headerEnd + contentLength) {
                    return;
                }
                String body = new String(in.array(), headerEnd, contentLength, StandardCharsets.UTF_8);
                finish().response(status, body);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        /** Finds the end of the header and reads status and length; false while the header is incomplete. */
        private boolean parseHead() throws IOException {
            byte[] bytes = in.array();
            int end = indexOf(bytes, in.position());
            if (end < 0) {
                return false;
            }
            headerEnd = end + CRLF_CRLF.length;
            String head = new String(bytes, 0, end, StandardCharsets.US_ASCII);
            status = Integer.parseInt(head.substring(9, 12));
            contentLength = -1;
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).strip());
                }
            }
            if (contentLength < 0) {
                throw new IOException("an answer without Content-Length (status " + status + "), which this client"
                        + " does not read");
            }
            return true;
        }

        private Answer finish() {
            Answer answer = request.answer();
            request = null;
            key.interestOps(0);
            idle.add(this);
            return answer;
        }

        private void fail(Exception error) {
            Answer answer = request == null ? null : request.answer();
            request = null;
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failure; the failure is what gets reported
            }
            reopen();
            if (answer != null) {
                answer.failure(error);
            }
        }
    }

    /** Opens a connection in place of one that failed, so that the load keeps its number of connections. */
    private void reopen() {
        try {
            open();
        } catch (IOException e) {
            System.err.println("The load generator could not reopen a connection: " + e);
        }
    }

    private void open() throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(Ports.LOOPBACK_HOST, port));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        connection.key = channel.register(selector, 0, connection);
        idle.add(connection);
        all.add(connection);
    }

    private static int indexOf(byte[] bytes, int limit) {
        for (int i = 0; i + CRLF_CRLF.length <= limit; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String describe() {
        return "plain HTTP/1.1 over NIO, 1 thread, " + connections + " connections";
    }

    @Override
    public void close() {
        closed = true;
        if (selector != null) {
            selector.wakeup();
        }
        if (loop != null) {
            try {
                loop.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection connection : all) {
            try {
                connection.channel.close();
            } catch (IOException ignored) {
                // best effort at the end of a phase
            }
        }
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // best effort at the end of a phase
        }
    }
}
