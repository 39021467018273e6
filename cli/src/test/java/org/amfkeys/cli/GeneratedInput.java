package org.amfkeys.cli;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Standard input made on the fly from pieces repeated many times, so that a test can feed gigabytes
 * without holding them, and see how far the command read.
 */
final class GeneratedInput extends InputStream
{
    private final List<byte[]> pieces = new ArrayList<>();
    private final List<Long> repeats = new ArrayList<>();
    private int piece;
    private long repeat;
    private int offset;
    private long consumed;

    /**
     * Appends {@code text}, in UTF-8, {@code times} times.
     *
     * @param text  what to append.
     * @param times how many times.
     * @return this input.
     */
    GeneratedInput then(final String text, final long times)
    {
        return then(text.getBytes(StandardCharsets.UTF_8), times);
    }

    /**
     * Appends {@code bytes} {@code times} times.
     *
     * @param bytes what to append.
     * @param times how many times.
     * @return this input.
     */
    GeneratedInput then(final byte[] bytes, final long times)
    {
        pieces.add(bytes.clone());
        repeats.add(times);
        return this;
    }

    /**
     * @return the octets read so far.
     */
    long consumed()
    {
        return consumed;
    }

    @Override
    public int read()
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(final byte[] buffer, final int from, final int length)
    {
        int copied = 0;
        while (copied < length && skipFinishedPieces())
        {
            final byte[] current = pieces.get(piece);
            final int chunk = Math.min(length - copied, current.length - offset);
            System.arraycopy(current, offset, buffer, from + copied, chunk);
            copied += chunk;
            offset += chunk;
            if (offset == current.length)
            {
                offset = 0;
                repeat++;
            }
        }
        consumed += copied;
        return copied == 0 && length > 0 ? -1 : copied;
    }

    @Override
    public int available()
    {
        return skipFinishedPieces() ? pieces.get(piece).length - offset : 0;
    }

    /** Moves past every piece repeated enough times; false at the end of the input. */
    private boolean skipFinishedPieces()
    {
        while (piece < pieces.size() && (repeat == repeats.get(piece) || pieces.get(piece).length == 0))
        {
            piece++;
            repeat = 0;
        }
        return piece < pieces.size();
    }
}
