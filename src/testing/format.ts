import { ReachabilityEndpoint } from '../analysis/reachability';
import { findingLine } from '../audit/audit';
import { AuditFinding } from '../audit/audit-finding';

/*
 * Text for assertion messages. Internal: not re-exported.
 */

/** An endpoint as the analyzer labels it: `namespace/pod` (namespace defaulting to "default") or the address. */
export function endpointLabel(endpoint: ReachabilityEndpoint): string {
  if (endpoint?.ip !== undefined) return endpoint.ip;
  return `${endpoint?.namespace ?? 'default'}/${endpoint?.pod}`;
}

/** One allowed flow seen from one end: `namespace/pod: ports`. */
export function flowLine(pod: string, ports: string): string {
  return `${pod}: ${ports}`;
}

/** One finding per line: rule, severity, resource, construct path when known, message and fix. */
export function describeFindings(findings: AuditFinding[]): string {
  return findings.map(f => `  ${findingLine(f)}`).join('\n');
}
