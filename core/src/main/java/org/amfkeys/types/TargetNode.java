package org.amfkeys.types;

/**
 * The kind of NG-RAN node a KNG-RAN* is derived for: a gNB (TS 33.501 A.11, NR PCI and NR-ARFCN) or
 * an ng-eNB (A.12, E-UTRA PCI and EARFCN).
 */
public enum TargetNode implements Token
{
    /** Target gNB. */
    GNB("gnb"),
    /** Target ng-eNB. */
    NG_ENB("ng-enb");

    private final String token;

    TargetNode(final String token)
    {
        this.token = token;
    }

    public String token()
    {
        return token;
    }
}
