package io.vendpay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in the test JVM between the application and a store, so that a test can take the store
 * away the two ways a network does (issue 8):
 * <ul>
 *   <li>{@link #refuse()}: every connection is reset and new ones are reset as they arrive, as when the
 *       database process is gone: the driver fails at once;</li>
 *   <li>{@link #blackhole()}: connections are accepted and held, and nothing is forwarded either way, as
 *       when a switch or firewall drops the packets: a statement waits for an answer that never comes, and
 *       only the client's own timeouts end the wait;</li>
 *   <li>{@link #restore()}: forwards again. Connections that lived through the cut are reset first: bytes
 *       swallowed by a black hole leave their protocol state broken, as a real partition that outlasts the
 *       server's timeouts does.</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, REFUSE, BLACKHOLE }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final ExecutorService threads;
    /** Every socket open on either side, so that a cut and {@link #close()} can end them all. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;

    private TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        var n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            var t = new Thread(r, "tcp-proxy-" + targetPort + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("no local port for a proxy to " + targetHost + ":" + targetPort, e);
        }
        threads.execute(this::accept);
    }

    /** Starts a proxy on a free loopback port forwarding to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        return new TcpProxy(host, port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The database process is gone: open connections are reset, new ones are reset on arrival. */
    public void refuse() {
        mode = Mode.REFUSE;
        resetAll();
    }

    /** The network drops everything: connections stay open (new ones are accepted) but no byte gets through. */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** The store is reachable again; connections from before (broken by a black hole) are reset. */
    public void restore() {
        Mode was = mode;
        if (was == Mode.FORWARD) {
            return;
        }
        resetAll();
        mode = Mode.FORWARD;
    }

    @Override
    public void close() {
        mode = Mode.REFUSE;
        closeQuietly(listener);
        resetAll();
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;     // closed
            }
            switch (mode) {
                case REFUSE -> reset(client);
                case BLACKHOLE -> open.add(client);     // held: the client's connect succeeds and its handshake waits
                case FORWARD -> threads.execute(() -> connect(client));
            }
        }
    }

    private void connect(Socket client) {
        open.add(client);
        var upstream = new Socket();
        open.add(upstream);
        try {
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            threads.execute(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException e) {
            reset(client);
            reset(upstream);
        }
    }

    /** Copies {@code from} to {@code to} while forwarding; in a black hole, reads and drops. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (mode == Mode.FORWARD) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ended) {
            // one side closed or was reset: end the other too
        } finally {
            reset(from);
            reset(to);
        }
    }

    private void resetAll() {
        for (Socket s : open) {
            reset(s);
        }
    }

    /** Closes with an RST, not a FIN: what the peer of a dead process or a rebooted box sees. */
    private void reset(Socket s) {
        open.remove(s);
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // closing it is all that is left to do
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do about a socket that does not close
        }
    }
}
