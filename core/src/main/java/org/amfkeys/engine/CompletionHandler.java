package org.amfkeys.engine;

/**
 * Receives a producer's completions from {@link EngineProducer#poll}, on the producer's thread.
 */
@FunctionalInterface
public interface CompletionHandler
{
    /**
     * @param completion the completion; valid only during this call.
     */
    void onCompletion(Completion completion);
}
