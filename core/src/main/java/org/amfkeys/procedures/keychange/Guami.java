package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.types.KdfParameter;
import org.amfkeys.types.PlmnId;

import java.util.Objects;

/**
 * Globally Unique AMF Identifier (TS 23.003 2.10.1): the PLMN and the AMF Identifier, which is the
 * AMF Region ID (8 bits), the AMF Set ID (10 bits) and the AMF Pointer (6 bits). It names the target
 * AMF a {@link KdpBoundKamf} key is bound to, so keys prepared for different candidate AMFs differ.
 * <p>
 * As a KDF parameter it encodes in 6 octets: the PLMN as 3 octets of TS 24.301 BCD
 * ({@link PlmnId#encodeTo}), then the 24-bit AMF Identifier big-endian,
 * {@code region << 16 | set << 6 | pointer}.
 *
 * @param plmn        the AMF's PLMN.
 * @param amfRegionId AMF Region ID, 0..255.
 * @param amfSetId    AMF Set ID, 0..1023.
 * @param amfPointer  AMF Pointer, 0..63.
 */
public record Guami(PlmnId plmn, int amfRegionId, int amfSetId, int amfPointer) implements KdfParameter
{
    /** Octets of the encoding. */
    public static final int ENCODED_LENGTH = PlmnId.SN_ID_LENGTH + 3;

    /** Largest AMF Region ID. */
    public static final int MAX_AMF_REGION_ID = 0xFF;

    /** Largest AMF Set ID. */
    public static final int MAX_AMF_SET_ID = 0x3FF;

    /** Largest AMF Pointer. */
    public static final int MAX_AMF_POINTER = 0x3F;

    /**
     * Validates the identifier.
     *
     * @param plmn        the AMF's PLMN.
     * @param amfRegionId AMF Region ID, 0..{@value #MAX_AMF_REGION_ID}.
     * @param amfSetId    AMF Set ID, 0..{@value #MAX_AMF_SET_ID}.
     * @param amfPointer  AMF Pointer, 0..{@value #MAX_AMF_POINTER}.
     * @throws InvalidParameterException when the PLMN is missing or a field is out of range.
     */
    public Guami
    {
        if (plmn == null)
        {
            throw InvalidParameterException.missing("plmn", "a PLMN identity");
        }
        InvalidParameterException.requireInRange("amf-region-id", amfRegionId, 0, MAX_AMF_REGION_ID);
        InvalidParameterException.requireInRange("amf-set-id", amfSetId, 0, MAX_AMF_SET_ID);
        InvalidParameterException.requireInRange("amf-pointer", amfPointer, 0, MAX_AMF_POINTER);
    }

    /**
     * @return the 24-bit AMF Identifier: region, set, pointer.
     */
    public int amfIdentifier()
    {
        return amfRegionId << 16 | amfSetId << 6 | amfPointer;
    }

    /**
     * @return the AMF's set as {@link AmfChange} and the horizontal KAMF policy take it:
     *         {@code region << 10 | set}.
     */
    public int amfSet()
    {
        return amfRegionId << 10 | amfSetId;
    }

    public int encodedLength()
    {
        return ENCODED_LENGTH;
    }

    public void encodeTo(final byte[] destination, final int offset)
    {
        Objects.checkFromIndexSize(offset, ENCODED_LENGTH, destination.length);
        plmn.encodeTo(destination, offset);
        final int identifier = amfIdentifier();
        destination[offset + 3] = (byte)(identifier >>> 16);
        destination[offset + 4] = (byte)(identifier >>> 8);
        destination[offset + 5] = (byte)identifier;
    }

    /**
     * @return e.g. {@code 001-01/AMF 1:4:2} (region:set:pointer).
     */
    public String toString()
    {
        return plmn + "/AMF " + amfRegionId + ":" + amfSetId + ":" + amfPointer;
    }
}
