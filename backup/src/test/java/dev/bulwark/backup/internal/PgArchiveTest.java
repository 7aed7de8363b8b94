package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PgArchiveTest {

    @Test
    void countsNewlinesAtEveryAlignmentAndLength() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                int pick = random.nextInt(6);
                b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x8A : pick == 2 ? 0x0B : pick == 3 ? 0 : random.nextInt(256));
            }
            int off = b.length == 0 ? 0 : random.nextInt(b.length);
            int len = b.length - off == 0 ? 0 : random.nextInt(b.length - off + 1);
            long expected = 0;
            for (int i = off; i < off + len; i++) {
                expected += b[i] == '\n' ? 1 : 0;
            }
            assertThat(PgArchive.newlines(b, off, len)).isEqualTo(expected);
        }
    }

    @Test
    void copiesWhatItDoesNotUnderstandUnchangedAndCountsNothing() throws Exception {
        byte[] notAnArchive = "PGDMP but not really, a plain text\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(PgArchive.copyCountingRows(new ByteArrayInputStream(notAnArchive), out)).isEmpty();
        assertThat(out.toByteArray()).isEqualTo(notAnArchive);
    }

    @Test
    void theEndOfDataLineAndTheEmptyLinesAfterItAreNotRows() {
        assertThat(rows("1\n2\n\\.\n\n\n")).isEqualTo(2);
        assertThat(rows("\\.\n\n\n")).isZero();
        assertThat(rows("")).isZero();
    }

    @Test
    void emptyLinesAndEscapedBackslashDotsAreRows() {
        assertThat(rows("\n\n\n")).isEqualTo(3); // three rows of one empty string
        assertThat(rows("\\\\.\n")).isEqualTo(1); // the value \. is written \\.
        assertThat(rows("a\\.\n\n\n")).isEqualTo(3);
        assertThat(rows("a row longer than eight bytes\nanother one\n\\.\n\n\n")).isEqualTo(2);
    }

    private static long rows(String copyText) {
        PgArchive.Rows rows = new PgArchive.Rows();
        byte[] b = copyText.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) { // byte by byte: the end line split across chunks
            rows.add(b, i, 1);
        }
        PgArchive.Rows whole = new PgArchive.Rows();
        whole.add(b, 0, b.length);
        assertThat(whole.rows()).isEqualTo(rows.rows());
        for (int size = 2; size <= 12; size++) { // chunks shorter and longer than the 8-byte tail
            PgArchive.Rows chunked = new PgArchive.Rows();
            for (int i = 0; i < b.length; i += size) {
                chunked.add(b, i, Math.min(size, b.length - i));
            }
            assertThat(chunked.rows()).as("chunks of %d bytes", size).isEqualTo(rows.rows());
        }
        return rows.rows();
    }
}
