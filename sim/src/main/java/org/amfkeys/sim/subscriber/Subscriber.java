package org.amfkeys.sim.subscriber;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.sim.aka.SequenceNumbers;

import static org.amfkeys.sim.subscriber.SubscriberDescriptor.HOME_SQN_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.K_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.LENGTH;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.OPC_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_KAMF_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_KGNB_UPLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_NAS_ALGORITHMS_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_NGKSI_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_STATE_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.UE_UPLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.sim.subscriber.SubscriberDescriptor.USIM_SEQUENCE_OFFSET;

/**
 * A flyweight over one subscriber's record in {@link Subscribers}; one per thread, moved from record to
 * record with {@link #wrap}.
 */
public final class Subscriber
{
    private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
    private final SequenceNumbers usim = new SequenceNumbers();

    /**
     * @param subscribers the region.
     * @param index       the subscriber, 0..count-1.
     * @return this, over that subscriber's record.
     */
    public Subscriber wrap(final Subscribers subscribers, final int index)
    {
        record.wrap(subscribers.address(index), LENGTH);
        usim.wrap(record, USIM_SEQUENCE_OFFSET);
        return this;
    }

    /**
     * @param k   receives K, 16 octets.
     * @param opc receives OPc, 16 octets.
     */
    public void credentials(final byte[] k, final byte[] opc)
    {
        record.getBytes(K_OFFSET, k, 0, k.length);
        record.getBytes(OPC_OFFSET, opc, 0, opc.length);
    }

    /**
     * Provisions K and OPc (into the USIM and the UDM alike).
     *
     * @param k   K, 16 octets.
     * @param opc OPc, 16 octets.
     */
    public void provision(final byte[] k, final byte[] opc)
    {
        record.putBytes(K_OFFSET, k);
        record.putBytes(OPC_OFFSET, opc);
    }

    /**
     * @return the UDM/ARPF's last SQN handed out, 0 before the first.
     */
    public long homeSqn()
    {
        return record.getLong(HOME_SQN_OFFSET);
    }

    /**
     * @param sqn the UDM/ARPF's last SQN handed out.
     */
    public void homeSqn(final long sqn)
    {
        record.putLong(HOME_SQN_OFFSET, sqn);
    }

    /**
     * @return the USIM's accepted sequence numbers, over this record.
     */
    public SequenceNumbers usim()
    {
        return usim;
    }

    /**
     * @param kamf receives the ME's KAMF, 32 octets.
     */
    public void ueKamf(final byte[] kamf)
    {
        record.getBytes(UE_KAMF_OFFSET, kamf, 0, kamf.length);
    }

    /**
     * Records the ME's new current NAS security context, after a NAS Security Mode Complete.
     *
     * @param kamf      KAMF, 32 octets.
     * @param ngKsi     its ngKSI.
     * @param ciphering the NAS ciphering algorithm, 0..15.
     * @param integrity the NAS integrity algorithm, 0..15.
     * @param ulCount   the next UL NAS COUNT.
     */
    public void ueNasContext(final byte[] kamf, final int ngKsi, final int ciphering, final int integrity, final long ulCount)
    {
        record.putBytes(UE_KAMF_OFFSET, kamf);
        record.putByte(UE_NGKSI_OFFSET, (byte)ngKsi);
        record.putByte(UE_NAS_ALGORITHMS_OFFSET, (byte)((ciphering << 4) | integrity));
        record.putInt(UE_UPLINK_NAS_COUNT_OFFSET, (int)ulCount);
        record.putInt(UE_DOWNLINK_NAS_COUNT_OFFSET, 0);
        record.putByte(UE_STATE_OFFSET, SubscriberDescriptor.STATE_REGISTERED);
    }

    /**
     * @return the ME's next UL NAS COUNT.
     */
    public long ueUplinkNasCount()
    {
        return record.getInt(UE_UPLINK_NAS_COUNT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * @param ulCount the ME's next UL NAS COUNT, after it sent an uplink NAS message.
     */
    public void ueUplinkNasCount(final long ulCount)
    {
        record.putInt(UE_UPLINK_NAS_COUNT_OFFSET, (int)ulCount);
    }

    /**
     * The UE went CONNECTED: its KgNB came from its KAMF and {@code ulCount}, with NCC 0.
     *
     * @param ulCount the UL NAS COUNT of the message that led to the Initial Context Setup.
     */
    public void ueConnected(final long ulCount)
    {
        record.putInt(UE_KGNB_UPLINK_NAS_COUNT_OFFSET, (int)ulCount);
        record.putByte(UE_STATE_OFFSET, SubscriberDescriptor.STATE_CONNECTED);
    }

    /**
     * @return whether the UE is CONNECTED ({@link #ueConnected}).
     */
    public boolean connected()
    {
        return record.getByte(UE_STATE_OFFSET) == SubscriberDescriptor.STATE_CONNECTED;
    }

    /**
     * @return the UL NAS COUNT the UE's KgNB came from, while {@link #connected()}.
     */
    public long ueKgnbUplinkNasCount()
    {
        return record.getInt(UE_KGNB_UPLINK_NAS_COUNT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * @return the ME's ngKSI.
     */
    public int ueNgKsi()
    {
        return record.getByte(UE_NGKSI_OFFSET);
    }

    /**
     * @return whether the UE is registered.
     */
    public boolean registered()
    {
        return record.getByte(UE_STATE_OFFSET) != SubscriberDescriptor.STATE_DEREGISTERED;
    }

    @Override
    public String toString()
    {
        return "Subscriber (keys not shown)";
    }
}
