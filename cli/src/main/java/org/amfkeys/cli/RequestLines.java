package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of {@code derive --batch}, read from octets: an LF ends a line and a CR right before it is
 * dropped, while a CR anywhere else is part of the line, so that every request gets exactly one answer.
 * A last line without an LF is still a line. Each line is decoded as strict UTF-8 on its own, and a
 * line longer than the limit is skipped to its LF without being held.
 */
final class RequestLines
{
    /**
     * One line: its text, or why it has none (too long, not UTF-8); the input goes on after it either way.
     *
     * @param text    the line without its line end, or null.
     * @param problem why the line could not be read, or null.
     */
    record Line(String text, InvalidParameterException problem)
    {
    }

    private static final int READ_SIZE = 64 * 1024;
    private static final int FIRST_LINE_CAPACITY = 8 * 1024;

    private final InputStream in;
    private final int maxOctets;
    private final byte[] buffer = new byte[READ_SIZE];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int position;
    private int limit;
    private byte[] line = new byte[FIRST_LINE_CAPACITY];
    private int length;
    private boolean tooLong;

    /**
     * @param in        the octets to read.
     * @param maxOctets longest line, without its LF or CRLF.
     */
    RequestLines(final InputStream in, final int maxOctets)
    {
        this.in = in;
        this.maxOctets = maxOctets;
    }

    /**
     * @return the next line, or null at the end of the input.
     * @throws IOException when reading fails.
     */
    Line next() throws IOException
    {
        length = 0;
        tooLong = false;
        while (position < limit || fill())
        {
            final int lf = indexOfLf();
            final int end = lf < 0 ? limit : lf;
            keep(end - position);
            position = lf < 0 ? limit : lf + 1;
            if (lf >= 0)
            {
                return finish(true);
            }
        }
        // Octets after the last LF are a line too; nothing after it is no line.
        return length == 0 && !tooLong ? null : finish(false);
    }

    /**
     * @return whether more input is waiting, so that reading on would not block.
     * @throws IOException when asking fails.
     */
    boolean waiting() throws IOException
    {
        return position < limit || in.available() > 0;
    }

    private boolean fill() throws IOException
    {
        final int read = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(read, 0);
        return read > 0;
    }

    private int indexOfLf()
    {
        for (int i = position; i < limit; i++)
        {
            if (buffer[i] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Keeps the next {@code count} octets of the buffer in the line, up to one octet past the limit
     * (the CR of a CRLF); from then on the line is only skipped.
     */
    private void keep(final int count)
    {
        if (tooLong)
        {
            return;
        }
        if (length + (long)count > maxOctets + 1L)
        {
            tooLong = true;
            return;
        }
        if (length + count > line.length)
        {
            line = Arrays.copyOf(line, (int)Math.min(Math.max(2L * line.length, length + count), maxOctets + 1L));
        }
        System.arraycopy(buffer, position, line, length, count);
        length += count;
    }

    private Line finish(final boolean endedByLf)
    {
        final int octets = endedByLf && length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        if (tooLong || octets > maxOctets)
        {
            return new Line(null, new InvalidParameterException("request", "line longer than " + maxOctets + " octets",
                "lines of at most " + maxOctets + " octets"));
        }
        final ByteBuffer octetsOfLine = ByteBuffer.wrap(line, 0, octets);
        try
        {
            return new Line(utf8.decode(octetsOfLine).toString(), null);
        }
        catch (final CharacterCodingException ex)
        {
            return new Line(null, new InvalidParameterException("request", "not UTF-8 at octet " + (octetsOfLine.position() + 1),
                "one JSON object per line, in UTF-8"));
        }
    }
}
