package io.fleetstream.infra;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

class PortsTest {

    @Test
    void freePortCanBeBoundOnLoopback() throws Exception {
        int port = Ports.freeLoopbackPort();

        assertThat(port).isBetween(1, 65535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getInetAddress().getHostAddress()).isEqualTo(Ports.LOOPBACK_HOST);
        }
    }
}
