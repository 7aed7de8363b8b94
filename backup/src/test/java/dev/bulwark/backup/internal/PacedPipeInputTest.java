package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacedPipeInputTest {

    /** A pipe-like source: short reads of random size, {@code available()} as given, every length asked recorded. */
    private static final class ShortReads extends InputStream {
        final byte[] data;
        final Random random = new Random(7);
        final List<Integer> asked = new ArrayList<>();
        int pos;
        int ready = -1; // -1: a random amount of what is left

        ShortReads(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            asked.add(len);
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - pos), 1 + random.nextInt(5000));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return ready >= 0 ? ready : Math.min(data.length - pos, random.nextInt(3) * 4096);
        }
    }

    private static byte[] copy(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256 * 1024];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void passesEveryByteThroughInOrder() throws IOException {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        ShortReads source = new ShortReads(data);

        assertThat(copy(new PacedPipeInput(source))).isEqualTo(data);
    }

    @Test
    void asksForNoMoreThanThePipeHoldsWhenSomethingIsReady() throws IOException {
        ShortReads source = new ShortReads(new byte[100_000]);
        source.ready = 12_345;
        PacedPipeInput paced = new PacedPipeInput(source);

        paced.read(new byte[256 * 1024], 0, 256 * 1024);

        assertThat(source.asked).containsExactly(12_345);
    }

    @Test
    void asksForTheWholeBufferWhenNothingIsReadyYet() throws IOException {
        ShortReads source = new ShortReads(new byte[100_000]);
        source.ready = 0; // an empty pipe: the read blocks until the writer writes, whatever it asks for
        PacedPipeInput paced = new PacedPipeInput(source);

        paced.read(new byte[256 * 1024], 0, 256 * 1024);

        assertThat(source.asked).containsExactly(256 * 1024);
    }
}
