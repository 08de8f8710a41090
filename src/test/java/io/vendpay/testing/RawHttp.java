package io.vendpay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a bare socket, for what {@link java.net.http.HttpClient} refuses to send: broken
 * percent-encoding, NUL in a header, a Content-Length the body never reaches, a body one byte at a time.
 */
public final class RawHttp implements AutoCloseable {

    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    public static RawHttp open(int port, int readTimeoutMs) {
        try {
            var s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(readTimeoutMs);
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request from raw bytes (head and body as given), and its answer. */
    public static Answer exchange(int port, byte[] request, int readTimeoutMs) {
        try (var c = open(port, readTimeoutMs)) {
            c.send(request);
            return c.answer();
        }
    }

    public static byte[] head(String requestLine, Map<String, String> headers) {
        return head(requestLine, headers, StandardCharsets.ISO_8859_1);
    }

    /** The head with header values encoded in {@code values} (a hostile client may send UTF-8 there). */
    public static byte[] head(String requestLine, Map<String, String> headers, java.nio.charset.Charset values) {
        var b = new ByteArrayOutputStream();
        b.writeBytes((requestLine + "\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        headers.forEach((k, v) -> {
            b.writeBytes((k + ": ").getBytes(StandardCharsets.ISO_8859_1));
            b.writeBytes(v.getBytes(values));
            b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Sends bytes; a server that already answered and closed makes this return {@code false}. */
    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads one answer: status line, headers, and the body by Content-Length, chunks, or until close. */
    public Answer answer() {
        try {
            String statusLine = line();
            if (statusLine == null) {
                throw new UncheckedIOException(new IOException("connection closed without an answer"));
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            var headers = new LinkedHashMap<String, String>();
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            byte[] body;
            if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                var b = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    b.write(in.readNBytes(size));
                    line();
                }
                body = b.toByteArray();
            } else {
                body = readToClose();
            }
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readToClose() throws IOException {
        var b = new ByteArrayOutputStream();
        try {
            in.transferTo(b);
        } catch (SocketTimeoutException | java.net.SocketException ended) {
            // what came before the timeout or the reset is the body
        }
        return b.toByteArray();
    }

    private String line() throws IOException {
        var b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean isClosedByPeer() {
        try {
            socket.setSoTimeout(1);
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test teardown
        }
    }
}
