/**
 * Key change variants from outside 3GPP, after the key change indication (KCI) and key derivation
 * parameter (KDP) of a published patent application on security context handling at AMF change:
 * <ul>
 *     <li>a horizontal KAMF' bound to a KDP (nonce, timestamp, version number or static data) and to
 *     the target AMF's GUAMI, in an input string of its own that can never equal a 3GPP one
 *     ({@link org.amfkeys.procedures.keychange.KdpBoundKamf});</li>
 *     <li>distinct keys prepared for several candidate target AMFs in one call, of which only the
 *     chosen one's ever leaves the set ({@link org.amfkeys.procedures.keychange.CandidateKeySet});</li>
 *     <li>an explicit KCI (a flag, with the KDP when one is sent) or an implicit one (the KDP alone
 *     signals the change) ({@link org.amfkeys.procedures.keychange.KeyChangeIndication});</li>
 *     <li>a target AMF that selects new NAS algorithms from the UE security capabilities and sends them
 *     with the KCI instead of running a NAS Security Mode Command
 *     ({@link org.amfkeys.procedures.keychange.NasAlgorithmPriorities}).</li>
 * </ul>
 * None of them is part of TS 33.501, and a UE that follows only 3GPP would not derive these keys.
 * Each is off until enabled in {@link org.amfkeys.procedures.keychange.KeyChangeOptions}; with the
 * defaults every call here is refused and the 3GPP procedures of
 * {@link org.amfkeys.procedures.AmfProcedures} are the only ones that run.
 * {@link org.amfkeys.procedures.keychange.KeyChangeProcedures} is the AMF side (source and target);
 * the UE side is the project's UE model, {@code UeMirror.keyChangeCommand} in the sim module, with
 * the UE's variant settings and KDP memory in {@code UeKeyChangeState}.
 */
package org.amfkeys.procedures.keychange;
