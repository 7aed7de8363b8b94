package dev.bulwark.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The raw engine client's parsing of what comes back on the socket: HTTP/1.1 heads and bodies
 * (fixed length, chunked) and the attach stream's frames, delivered whole, one byte at a time, cut
 * short, oversized or malformed. Nothing read may allocate from a length the peer chose beyond the
 * caller's limit, and a closed connection must end the read, never hang.
 */
class HttpReaderTest {

    private static HttpReader reader(byte[] bytes) {
        return new HttpReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    }

    /** Delivers the bytes one at a time, as a peer splitting every write would. */
    private static HttpReader trickle(byte[] bytes) {
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }

            @Override
            public synchronized int available() {
                return 0; // so that the channel hands out each byte on its own
            }
        };
        return new HttpReader(Channels.newChannel(in));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] frame(int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) stream).put((byte) 0).put((byte) 0).put((byte) 0).putInt(payload.length).put(payload);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsABodyByContentLength() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                + "{\"Id\":\"abc123\"}"));

        HttpReader.Head head = r.head();

        assertThat(head.status()).isEqualTo(201);
        assertThat(head.header("content-type")).isEqualTo("application/json");
        assertThat(new String(r.body(head, 1024), StandardCharsets.UTF_8)).isEqualTo("{\"Id\":\"abc123\"}");
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\n{\"Sta\r\n" + "10\r\ntusCode\":137,\"Er\r\n" + "7\r\nror\":1}\r\n"
                + "0\r\nX-Trailer: ignored\r\n\r\n"));

        HttpReader.Head head = r.head();

        assertThat(new String(r.body(head, 1024), StandardCharsets.UTF_8)).isEqualTo("{\"StatusCode\":137,\"Error\":1}");
    }

    @Test
    void readsAChunkedBodyDeliveredOneByteAtATime() throws IOException {
        HttpReader r = trickle(ascii("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));

        HttpReader.Head head = r.head();

        assertThat(new String(r.body(head, 1024), StandardCharsets.UTF_8)).isEqualTo("abcde");
    }

    @Test
    void refusesAChunkLargerThanTheLimitBeforeReadingIt() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nabc"));
        HttpReader.Head head = r.head();

        assertThatThrownBy(() -> r.body(head, 4 * 1024 * 1024)).isInstanceOf(IOException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void refusesAChunkSizeThatIsNotHexOrTooLong() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffff\r\n"));
        HttpReader.Head head = r.head();
        HttpReader s = reader(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        HttpReader.Head sHead = s.head();

        assertThatThrownBy(() -> r.body(head, 1024)).hasMessageContaining("malformed chunk size");
        assertThatThrownBy(() -> s.body(sHead, 1024)).hasMessageContaining("malformed chunk size");
    }

    @Test
    void refusesAContentLengthOverTheLimitWithoutAllocatingIt() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nabc"));
        HttpReader.Head head = r.head();

        assertThatThrownBy(() -> r.body(head, 1024)).hasMessageContaining("exceeds the limit of 1024");
    }

    @Test
    void aConnectionClosedInsideAChunkIsAnEndOfFileNotAHang() throws IOException {
        HttpReader r = reader(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly-five"));
        HttpReader.Head head = r.head();

        assertThatThrownBy(() -> r.body(head, 1024)).isInstanceOf(EOFException.class);
    }

    @Test
    void aConnectionClosedInsideTheHeadIsAnEndOfFile() {
        assertThatThrownBy(() -> reader(ascii("HTTP/1.1 200 OK\r\nContent-Le")).head()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader(new byte[0]).head()).isInstanceOf(EOFException.class)
                .hasMessageContaining("without a response");
    }

    @Test
    void refusesAnOversizedHead() {
        String endless = "HTTP/1.1 200 OK\r\nX-Padding: " + "a".repeat(HttpReader.MAX_HEAD_BYTES) + "\r\n\r\n";
        String many = "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(HttpReader.MAX_HEAD_BYTES / 6 + 1) + "\r\n";

        assertThatThrownBy(() -> reader(ascii(endless)).head()).hasMessageContaining("longer than");
        assertThatThrownBy(() -> reader(ascii(many)).head()).hasMessageContaining("longer than");
    }

    @Test
    void refusesSomethingThatIsNotAnHttpResponse() {
        assertThatThrownBy(() -> reader(ascii("SSH-2.0-OpenSSH\r\n\r\n")).head())
                .hasMessageContaining("not an HTTP/1.x status line");
    }

    @Test
    void demultiplexesStdoutAndStderrSplitAcrossReads() throws IOException {
        byte[] stream = concat(frame(1, ascii("hello ")), frame(2, ascii("oops")), frame(1, ascii("world")),
                frame(1, new byte[0]));
        CappedBuffer out = new CappedBuffer(1024);
        CappedBuffer err = new CappedBuffer(1024);

        trickle(stream).demux((s, d, o, n) -> (s == 2 ? err : out).append(d, o, n));

        assertThat(out.text()).isEqualTo("hello world");
        assertThat(err.text()).isEqualTo("oops");
    }

    @Test
    void framesAfterAnUpgradeAnswerAreReadFromTheSameBuffer() throws IOException {
        HttpReader r = reader(concat(ascii("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"),
                frame(1, ascii("42\n"))));
        CappedBuffer out = new CappedBuffer(1024);

        assertThat(r.head().status()).isEqualTo(101);
        r.demux((s, d, o, n) -> out.append(d, o, n));

        assertThat(out.text()).isEqualTo("42\n");
    }

    @Test
    void aFrameHeaderClaimingFourGibibytesIsNeverAllocatedAndEndsAtTheConnectionsEnd() {
        byte[] header = {1, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] stream = concat(header, new byte[3 * 1024 * 1024]);
        CappedBuffer out = new CappedBuffer(1024);
        int[] largestSlice = {0};
        HttpReader reader = reader(stream);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> reader.demux((s, d, o, n) -> {
            largestSlice[0] = Math.max(largestSlice[0], n);
            out.append(d, o, n);
        })).isInstanceOf(EOFException.class).hasMessageContaining("middle of a frame");

        assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore)
                .as("bytes allocated while reading a frame that claims 4 GiB (3 MiB present)").isLessThan(1024 * 1024);
        assertThat(largestSlice[0]).as("slices handed out never exceed the read buffer").isLessThanOrEqualTo(64 * 1024);
        assertThat(out.text()).hasSize(1024);
        assertThat(out.total()).isEqualTo(3L * 1024 * 1024);
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void aConnectionClosedInsideAFrameHeaderIsAnEndOfFile() {
        byte[] stream = concat(frame(1, ascii("ok")), new byte[] {2, 0, 0});
        CappedBuffer out = new CappedBuffer(1024);

        assertThatThrownBy(() -> trickle(stream).demux((s, d, o, n) -> out.append(d, o, n)))
                .isInstanceOf(EOFException.class).hasMessageContaining("frame header");
        assertThat(out.text()).isEqualTo("ok");
    }

    @Test
    void refusesAFrameHeaderWithAnUnknownStreamOrNonZeroPadding() {
        byte[] unknown = {7, 0, 0, 0, 0, 0, 0, 1, 'x'};
        byte[] padding = {1, 0, 1, 0, 0, 0, 0, 1, 'x'};
        byte[] tty = ascii("plain text from a container with a TTY");

        for (byte[] stream : new byte[][] {unknown, padding, tty}) {
            assertThatThrownBy(() -> reader(stream).demux((s, d, o, n) -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("malformed frame header");
        }
    }

    @Test
    void aFloodOfFramesStaysWithinTheCapWhileEveryByteIsCounted() throws IOException {
        long frames = 20_000; // 20,000 frames of 4 KiB: 80 MiB, generated as read, never held
        byte[] one = frame(1, new byte[4096]);
        InputStream endless = new InputStream() {
            private long pos;

            @Override
            public int read() {
                return pos < frames * one.length ? one[(int) (pos++ % one.length)] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long left = frames * one.length - pos;
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = one[(int) (pos++ % one.length)];
                }
                return n;
            }
        };
        CappedBuffer out = new CappedBuffer(1024 * 1024);
        HttpReader reader = new HttpReader(Channels.newChannel(endless));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        reader.demux((s, d, o, n) -> out.append(d, o, n));

        assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore)
                .as("bytes allocated while reading an 80 MiB flood into a 1 MiB cap").isLessThan(8L * 1024 * 1024);
        assertThat(out.text()).hasSize(1024 * 1024);
        assertThat(out.total()).isEqualTo(frames * 4096);
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void closingTheConnectionEndsADemuxBlockedOnASilentPeer() throws Exception {
        Pipe pipe = Pipe.open();
        ReadableByteChannel source = pipe.source();
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 10, 'a'})); // a frame the peer never ends
        CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
            try {
                new HttpReader(source).demux((s, d, o, n) -> { });
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        source.close(); // what the run's watch does when a killed container does not end

        // AsynchronousCloseException when the read was blocked at the close, its parent when the close came first
        assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        pipe.sink().close();
    }

    @Test
    void readsTheContainerStateAndMemoryFromEngineAnswers() {
        byte[] inspect = ascii("{\"Id\":\"x\",\"HostConfig\":{\"SecurityOpt\":[\"seccomp={\\\"State\\\":1}\"]},"
                + "\"State\":{\"Status\":\"exited\",\"Running\":false,\"OOMKilled\":true,\"Pid\":0,\"ExitCode\":137,"
                + "\"Health\":{\"Log\":[]}},\"Name\":\"/n\"}");
        byte[] stats = ascii("{\"read\":\"t\",\"memory_stats\":{\"usage\":1000,\"max_usage\":52428800,\"stats\":{}}}");
        byte[] statsV2 = ascii("{\"memory_stats\":{\"usage\":4096,\"stats\":{\"anon\":1}}}");

        assertThat(EngineClient.state(inspect)).isEqualTo(new EngineClient.State(false, 137, true));
        assertThat(EngineClient.memory(stats)).isEqualTo(52428800L);
        assertThat(EngineClient.memory(statsV2)).isEqualTo(4096L);
        assertThat(EngineClient.memory(ascii("{}"))).isEqualTo(-1L);
        assertThat(EngineClient.stringField(ascii("{\"Warnings\":[],\"Id\":\"ab12\"}"), "Id")).isEqualTo("ab12");
        assertThat(EngineClient.longField(ascii("{\"Error\":null,\"StatusCode\":3}"), "StatusCode")).isEqualTo(3L);
    }

    @Test
    void findsTheSocketOnlyOfUnixDockerHosts() {
        assertThat(EngineClient.unixSocket("unix:///var/run/docker.sock")).hasToString("/var/run/docker.sock");
        assertThat(EngineClient.unixSocket("tcp://127.0.0.1:2376")).isNull();
    }
}
