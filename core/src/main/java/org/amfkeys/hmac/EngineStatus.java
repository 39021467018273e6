package org.amfkeys.hmac;

/**
 * The outcome of one HMAC engine's power-on self-test.
 *
 * @param name        the engine's name, as accepted by {@link HmacEngines#newEngine(String)}.
 * @param description what the engine computes with.
 * @param usable      true when the engine passed and may be handed out.
 * @param detail      what was checked when it passed, or why it is not used.
 */
public record EngineStatus(String name, String description, boolean usable, String detail)
{
}
