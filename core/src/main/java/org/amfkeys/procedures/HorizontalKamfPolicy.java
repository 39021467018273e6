package org.amfkeys.procedures;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * The source AMF's policy on deriving a horizontal KAMF when a UE moves to another AMF, consulted at
 * every context transfer and every N2 handover to another AMF (TS 33.501 6.9.2.3.3, 6.9.3: "based on
 * local policy"). A horizontal KAMF keeps the target from learning the key the source used, at the cost
 * of a NAS SMC (mobility registration) or an AS key change (handover).
 */
@FunctionalInterface
public interface HorizontalKamfPolicy
{
    /**
     * @param change the move.
     * @return the decision, with its reason.
     */
    HorizontalKamfDecision decide(AmfChange change);

    /**
     * @return a policy that never derives: the target gets the current KAMF.
     */
    static HorizontalKamfPolicy never()
    {
        return change -> HorizontalKamfDecision.NEVER;
    }

    /**
     * @return a policy that always derives.
     */
    static HorizontalKamfPolicy always()
    {
        return change -> HorizontalKamfDecision.ALWAYS;
    }

    /**
     * @return a policy that derives when the target AMF is in another AMF set.
     */
    static HorizontalKamfPolicy whenAmfSetChanges()
    {
        return change -> change.sameAmfSet() ? HorizontalKamfDecision.SAME_AMF_SET : HorizontalKamfDecision.AMF_SET_CHANGES;
    }

    /**
     * @return a policy that derives when source and target do not share secure storage for keys.
     */
    static HorizontalKamfPolicy whenSecureStorageNotShared()
    {
        return change -> change.sharedSecureStorage() ?
            HorizontalKamfDecision.STORAGE_SHARED : HorizontalKamfDecision.STORAGE_NOT_SHARED;
    }

    /**
     * @param derive the operator's rule: true to derive.
     * @return a policy that derives when {@code derive} holds.
     */
    static HorizontalKamfPolicy operator(final Predicate<AmfChange> derive)
    {
        Objects.requireNonNull(derive, "derive");
        return change -> derive.test(change) ? HorizontalKamfDecision.OPERATOR_DERIVES : HorizontalKamfDecision.OPERATOR_KEEPS;
    }
}
