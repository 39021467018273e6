package org.amfkeys.engine;

import org.agrona.DirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.types.KdfParameter;

import java.util.Arrays;

import static org.amfkeys.engine.RequestDescriptor.KSEAF_ABBA_LENGTH_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_LENGTH;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_NGKSI_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_PARAMETERS_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_SUPI_LENGTH_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.KSEAF_UE_SECURITY_CAPABILITIES_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.MAX_ABBA_LENGTH;
import static org.amfkeys.engine.RequestDescriptor.MAX_SUPI_LENGTH;

/**
 * A worker's copy of an {@link EngineOperation#AUTHENTICATED} request: the ring zeroes the record once
 * read, so KSEAF lives on here only, until {@link #clear()}. Reused from request to request.
 */
final class KseafRequest
{
    private final byte[] kseaf = new byte[KSEAF_LENGTH];
    private final EncodedParameter supi = new EncodedParameter(MAX_SUPI_LENGTH);
    private final EncodedParameter abba = new EncodedParameter(MAX_ABBA_LENGTH);
    private int ngKsi;
    private int ueSecurityCapabilities;

    /**
     * Copies the request at {@code offset}.
     *
     * @throws InvalidParameterException when a length in it is outside the record or its range; the
     *                                   copy is cleared then.
     */
    void decode(final DirectBuffer buffer, final int offset, final int recordLength)
    {
        final int supiLength = buffer.getInt(offset + KSEAF_SUPI_LENGTH_OFFSET);
        final int abbaLength = buffer.getInt(offset + KSEAF_ABBA_LENGTH_OFFSET);
        if (supiLength < 1 || supiLength > MAX_SUPI_LENGTH || abbaLength < 1 || abbaLength > MAX_ABBA_LENGTH ||
            KSEAF_PARAMETERS_OFFSET + supiLength + abbaLength != recordLength)
        {
            clear();
            throw new InvalidParameterException("request", "SUPI of " + supiLength + " and ABBA of " + abbaLength +
                " octets in a record of " + recordLength, "a record as EngineProducer.submitAuthenticated writes it");
        }
        buffer.getBytes(offset + KSEAF_OFFSET, kseaf);
        ngKsi = buffer.getInt(offset + KSEAF_NGKSI_OFFSET);
        ueSecurityCapabilities = buffer.getInt(offset + KSEAF_UE_SECURITY_CAPABILITIES_OFFSET);
        supi.copy(buffer, offset + KSEAF_PARAMETERS_OFFSET, supiLength);
        abba.copy(buffer, offset + KSEAF_PARAMETERS_OFFSET + supiLength, abbaLength);
    }

    /**
     * @return KSEAF; the array itself.
     */
    byte[] kseaf()
    {
        return kseaf;
    }

    /**
     * @return P0 of KAMF's derivation: the SUPI's KDF encoding.
     */
    KdfParameter supi()
    {
        return supi;
    }

    /**
     * @return P1 of KAMF's derivation: ABBA.
     */
    KdfParameter abba()
    {
        return abba;
    }

    int ngKsi()
    {
        return ngKsi;
    }

    int ueSecurityCapabilities()
    {
        return ueSecurityCapabilities;
    }

    /**
     * Zeroes KSEAF and everything else.
     */
    void clear()
    {
        Arrays.fill(kseaf, (byte)0);
        supi.clear();
        abba.clear();
        ngKsi = 0;
        ueSecurityCapabilities = 0;
    }

    /**
     * @return the request without its key.
     */
    public String toString()
    {
        return "KseafRequest[ngKSI=" + ngKsi + "]";
    }

    /** A KDF parameter held as the octets of its encoding, reused. */
    private static final class EncodedParameter implements KdfParameter
    {
        private final byte[] octets;
        private int length;

        EncodedParameter(final int capacity)
        {
            this.octets = new byte[capacity];
        }

        void copy(final DirectBuffer buffer, final int offset, final int length)
        {
            buffer.getBytes(offset, octets, 0, length);
            this.length = length;
        }

        void clear()
        {
            Arrays.fill(octets, (byte)0);
            length = 0;
        }

        public int encodedLength()
        {
            return length;
        }

        public void encodeTo(final byte[] destination, final int offset)
        {
            System.arraycopy(octets, 0, destination, offset, length);
        }
    }
}
