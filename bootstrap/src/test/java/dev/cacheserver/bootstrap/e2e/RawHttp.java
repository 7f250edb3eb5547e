package dev.cacheserver.bootstrap.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection spoken byte by byte over a plain socket, so a test can send what no well-behaved client
 * would, and see exactly what the server answers and whether it closes the connection.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    /** A response as read from the wire: its status line, head and body. */
    record Response(int status, String statusLine, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** The next final response (1xx skipped, but remembered by {@link #sawContinue}); null at end of stream. */
    Response read() throws IOException {
        while (true) {
            String head = readHead();
            if (head == null) {
                return null;
            }
            String statusLine = head.split("\r\n", 2)[0];
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            if (status / 100 == 1) {
                sawContinue = true;
                continue;
            }
            Response partial = new Response(status, statusLine, head, "");
            String length = partial.header("Content-Length");
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new Response(status, statusLine, head, new String(body, StandardCharsets.UTF_8));
        }
    }

    boolean sawContinue;

    /** The next response head, 1xx included (a 101 switching to a WebSocket); null at end of stream. */
    Response readHead101() throws IOException {
        String head = readHead();
        if (head == null) {
            return null;
        }
        String statusLine = head.split("\r\n", 2)[0];
        return new Response(Integer.parseInt(statusLine.split(" ", 3)[1]), statusLine, head, "");
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the connection closed inside a response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server closes the connection within {@code millis} without sending anything more; what it still
     * sends (e.g. an answer to a smuggled request) is returned in the message of the failure.
     */
    boolean closesQuietly(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            byte[] rest = in.readAllBytes();
            if (rest.length > 0) {
                throw new AssertionError("the server sent more after its answer: "
                        + new String(rest, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return true;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** What the server sent within {@code millis}, and whether it closed the connection. */
    record Heard(String text, boolean closed) {
    }

    Heard listen(int millis) throws IOException {
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return new Heard(heard.toString(StandardCharsets.ISO_8859_1), false);
                }
                socket.setSoTimeout((int) left);
                int n = in.read(buffer);
                if (n < 0) {
                    return new Heard(heard.toString(StandardCharsets.ISO_8859_1), true);
                }
                heard.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return new Heard(heard.toString(StandardCharsets.ISO_8859_1), false);
        } catch (IOException e) {
            return new Heard(heard.toString(StandardCharsets.ISO_8859_1), true);
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** Whether bytes from the server are waiting to be read. */
    boolean available() throws IOException {
        return in.available() > 0;
    }

    /** Closes with a reset (SO_LINGER 0), as a crashing client or a middlebox does. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
