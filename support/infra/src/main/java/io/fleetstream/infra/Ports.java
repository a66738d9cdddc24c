package io.fleetstream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Picks TCP ports for the servers this module starts.
 *
 * <p>Several engineers and CI runs share one machine, each with their own brokers and databases, so nothing here may
 * assume a well-known port is free. The kernel hands out an unused port instead. The port is released again before
 * the server binds it, so another process could in principle take it in between; {@link #onFreePort} retries with a new
 * port when that happens.
 */
public final class Ports {

    /** The only address the servers started by this module listen on. */
    public static final String LOOPBACK_HOST = "127.0.0.1";

    private static final System.Logger LOG = System.getLogger(Ports.class.getName());
    private static final int PORT_ATTEMPTS = 3;

    private Ports() {}

    /** Starts a server on a free loopback port, on a new port if another process took the first one, three times. */
    static <T> T onFreePort(IntFunction<T> starter) {
        PortTakenException lastFailure = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            try {
                return starter.apply(freeLoopbackPort());
            } catch (PortTakenException e) {
                LOG.log(System.Logger.Level.WARNING, e.summary() + "; trying another port");
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /**
     * Returns {@code count} distinct TCP ports that were free on the loopback interface a moment ago. The probe sockets
     * stay open until all are chosen: Linux readily hands the same port to consecutive {@code bind(0)} calls once the
     * previous socket is closed, so picking one port at a time can give two servers the same port.
     */
    public static List<Integer> freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find " + count + " free TCP ports on the loopback interface", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // A probe socket that cannot be closed changes nothing about the ports already chosen.
                }
            }
        }
    }

    /**
     * Returns a TCP port that was free on the loopback interface a moment ago.
     *
     * <p>The probe socket binds the loopback address explicitly: binding the wildcard address would briefly expose a
     * port on every interface and could report a port as free that is only taken on loopback.
     */
    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port on the loopback interface", e);
        }
    }
}
