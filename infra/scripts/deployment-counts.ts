/**
 * Counts of deployed things the estimate prices, kept beside the constructs they describe. The cost test
 * checks each against a synthesized template, so a new key or alarm cannot slip past the estimate.
 */
export function deploymentCounts(mirroredRateRules: number) {
  return {
    /** KMS, Secrets Manager, CloudWatch Logs, SSM, SSM Messages (network.ts). */
    interfaceEndpoints: 5,
    /** Data, app and logs keys (keys.ts), the edge logs key (edge-stack.ts), the recovery key (recovery-stack.ts). */
    kmsKeys: 5,
    /** Database master, owner and app credentials, Redis AUTH token, app settings. */
    secrets: 5,
    /**
     * alarms.ts: 9 single alarms plus memory and CPU per Redis node, 2 outbox, audit chain, failed sign-ins,
     * 5 CloudTrail metric-filter alarms, 2 payment-page alarms (CSP violations, tamper check); the edge
     * stack's WAF block alarm.
     */
    alarms: 25,
    /** web-acl.ts: operations-path block, IP reputation, core set, body size, bad inputs, SQLi, per-IP rate, plus mirrors. */
    wafRules: 7 + mirroredRateRules,
  };
}
