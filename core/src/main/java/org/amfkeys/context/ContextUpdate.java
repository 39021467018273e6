package org.amfkeys.context;

/**
 * Changes one UE's context in place while {@link ContextTable#update} holds the slot's lock.
 * Keep it short: readers of the slot retry and other writers of it wait until it returns.
 */
@FunctionalInterface
public interface ContextUpdate
{
    /**
     * @param context the UE's context, a flyweight valid only during this call. If this throws, the
     *                context is restored to what it was before the call.
     */
    void apply(SecurityContext context);
}
