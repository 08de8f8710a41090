package io.vendpay.shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on this host: a free one to bind, and whether something already listens on one. */
public final class LocalPorts {

    private LocalPorts() {
    }

    public static int free() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port", e);
        }
    }

    public static boolean listening(String host, int port) {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(host.equals("0.0.0.0") ? "127.0.0.1" : host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
