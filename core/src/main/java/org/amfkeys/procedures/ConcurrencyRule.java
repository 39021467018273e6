package org.amfkeys.procedures;

/**
 * The rules on concurrent running of security procedures that amfkeys enforces for one UE (TS 33.501
 * 6.9.5, TS 33.401 7.2.10). Each rule either makes the network {@link Action#REFUSE refuse} to
 * initiate a procedure ("shall not initiate"), makes it {@link Action#WAIT defer} a procedure until the
 * blocking one ends ("shall wait"), or fixes what a node sends or uses ({@link Action#CONTENT}).
 * <p>
 * A refusal throws {@link ProcedureNotAllowedException} with {@link ProcedureNotAllowedException#rule()};
 * a deferral returns {@link ProcedureStart#DEFERRED} and names the rule in the carrier.
 */
public enum ConcurrencyRule
{
    /** The AMF initiates no N2 procedure including a new key while a NAS SMC is ongoing. */
    TS_33_501_6_9_5_1_1(1, "TS 33.501 6.9.5.1 (1)", Action.REFUSE,
        "no N2 procedure including a new key while a NAS Security Mode Command is ongoing"),

    /** The AMF initiates no NAS SMC while an N2 procedure including a new key is ongoing. */
    TS_33_501_6_9_5_1_2(2, "TS 33.501 6.9.5.1 (2)", Action.REFUSE,
        "no NAS Security Mode Command while an N2 procedure including a new key is ongoing"),

    /** A NAS SMC for a new KAMF completes before an inter-AMF or inter-system handover starts. */
    TS_33_501_6_9_5_1_3(3, "TS 33.501 6.9.5.1 (3)", Action.WAIT,
        "a NAS Security Mode Command for a new KAMF completes before an inter-AMF or inter-system handover starts"),

    /** A UE Context Modification for a new KgNB completes before an inter-AMF handover that keeps KAMF. */
    TS_33_501_6_9_5_1_4(4, "TS 33.501 6.9.5.1 (4)", Action.WAIT,
        "a UE Context Modification for a new KgNB completes before an inter-AMF handover that keeps KAMF"),

    /** No downlink NAS from the source AMF once an inter-AMF or inter-system handover started. */
    TS_33_501_6_9_5_1_5(5, "TS 33.501 6.9.5.1 (5)", Action.REFUSE,
        "no downlink NAS message after an inter-AMF or inter-system handover started, until it failed or was cancelled"),

    /** No primary authentication or NAS SMC while one is ongoing on the UE's other NAS connection. */
    TS_33_501_6_9_5_2_1(6, "TS 33.501 6.9.5.2 (1)", Action.REFUSE,
        "no primary authentication or NAS Security Mode Command while one is ongoing on a parallel NAS connection"),

    /** A context transfer request during a NAS SMC for a new KAMF waits for the Security Mode Complete. */
    TS_33_501_6_9_5_2_2(7, "TS 33.501 6.9.5.2 (2)", Action.WAIT,
        "a context transfer request during a NAS Security Mode Command for a new KAMF waits for its completion"),

    /** The MME initiates no Initial Context Setup or UE Context Modification with a new KeNB during a NAS SMC. */
    TS_33_401_7_2_10_1(8, "TS 33.401 7.2.10 (1)", Action.REFUSE,
        "no Initial Context Setup or UE Context Modification with a new KeNB while a NAS Security Mode Command is ongoing"),

    /** The MME initiates no NAS SMC while an Initial Context Setup or UE Context Modification with a new KeNB is ongoing. */
    TS_33_401_7_2_10_2(9, "TS 33.401 7.2.10 (2)", Action.REFUSE,
        "no NAS Security Mode Command while an Initial Context Setup or UE Context Modification with a new KeNB is ongoing"),

    /** The MME keeps sending AS parameters of the old KASME in handovers until the UE Context Modification. */
    TS_33_401_7_2_10_3(10, "TS 33.401 7.2.10 (3)", Action.CONTENT,
        "handovers carry AS parameters of the old KASME until a UE Context Modification takes a KeNB of the new one into use"),

    /** The UE keeps using AS parameters of the old KASME in handovers until told otherwise. */
    TS_33_401_7_2_10_4(11, "TS 33.401 7.2.10 (4)", Action.CONTENT,
        "the UE uses AS parameters of the old KASME in handovers until an RRC reconfiguration takes a KeNB of the new one into use"),

    /** The eNB rejects a UE Context Modification during an inter-eNB handover, and hands over only after its RRC reconfiguration. */
    TS_33_401_7_2_10_5(12, "TS 33.401 7.2.10 (5)", Action.REFUSE,
        "no UE Context Modification during an inter-eNB handover, and no handover during the reconfiguration of a UE Context Modification"),

    /** An inter-MME or inter-RAT handover waits for a NAS SMC for a new KASME to complete. */
    TS_33_401_7_2_10_6(13, "TS 33.401 7.2.10 (6)", Action.WAIT,
        "a NAS Security Mode Command for a new KASME completes before an S10 Forward Relocation or an inter-RAT handover"),

    /** An inter-MME handover waits for a UE Context Modification with a new KeNB to end. */
    TS_33_401_7_2_10_7(14, "TS 33.401 7.2.10 (7)", Action.WAIT,
        "a UE Context Modification with a new KeNB ends before an S10 Forward Relocation"),

    /** The forward relocation carries the old KASME with eKSI, NH and NCC and the full new context. */
    TS_33_401_7_2_10_8(15, "TS 33.401 7.2.10 (8)", Action.CONTENT,
        "a Forward Relocation sent before the new KASME is used for AS carries the old KASME with eKSI, NH and NCC " +
            "and the full new context"),

    /** The target MME uses the new KASME for NAS and the old one for AS until the UE Context Modification. */
    TS_33_401_7_2_10_9(16, "TS 33.401 7.2.10 (9)", Action.CONTENT,
        "the target MME uses the new KASME for NAS and the old one's AS parameters in handovers until a UE Context Modification");

    /** What a rule makes the network do with a procedure it blocks. */
    public enum Action
    {
        /** "shall not initiate": the call is refused. */
        REFUSE,
        /** "shall wait": the procedure is deferred and starts when the blocking one ends. */
        WAIT,
        /** The rule fixes what is sent or used; it blocks nothing. */
        CONTENT
    }

    private static final ConcurrencyRule[] BY_CODE = new ConcurrencyRule[values().length + 1];

    static
    {
        for (final ConcurrencyRule rule : values())
        {
            BY_CODE[rule.code] = rule;
        }
    }

    private final int code;
    private final String clause;
    private final Action action;
    private final String summary;

    ConcurrencyRule(final int code, final String clause, final Action action, final String summary)
    {
        this.code = code;
        this.clause = clause;
        this.action = action;
        this.summary = summary;
    }

    /**
     * @return the rule's code where a record stores it (an engine completion), 1 and up; never an
     *         ordinal, so adding a rule changes no stored code.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a stored code, as {@link #code()} gives it.
     * @return the rule, or null for 0 (no rule) or a code no rule has.
     */
    public static ConcurrencyRule ofCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * @return the clause and rule number, for example {@code "TS 33.501 6.9.5.1 (1)"}.
     */
    public String clause()
    {
        return clause;
    }

    /**
     * @return what the rule makes the network do.
     */
    public Action action()
    {
        return action;
    }

    /**
     * @return the rule in one sentence.
     */
    public String summary()
    {
        return summary;
    }

    /**
     * @return the clause.
     */
    public String toString()
    {
        return clause;
    }
}
