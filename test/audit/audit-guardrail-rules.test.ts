import { Reachability } from '../../src';
import type { AuditFinding } from '../../src';
import { namespace, pod, policy } from '../analysis/fixtures';
import { validateAll } from '../util';

/*
 * Guardrail rules (NETSEC020, NETSEC021) on ClusterNetworkPolicy v1alpha2 objects validated against the
 * pinned network-policy-api CRD.
 */

const CNP = 'policy.networking.k8s.io/v1alpha2';

function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, subject: any, rules: { ingress?: any[]; egress?: any[] }): any {
  return { apiVersion: CNP, kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, subject, ...rules } };
}

const notIn = (...names: string[]) => ({ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: names }] } });
const EVERY_POD = { namespaces: {} };
const DENY_IN = { name: 'deny-all', action: 'Deny', from: [EVERY_POD] };
const DENY_OUT = { name: 'deny-all', action: 'Deny', to: [EVERY_POD, { networks: ['0.0.0.0/0', '::/0'] }] };
const DNS = {
  name: 'dns',
  action: 'Accept',
  to: [{
    pods: {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  }],
  protocols: [{ udp: { destinationPort: { number: 53 } } }],
};
const BASELINE = cnp('baseline-default-deny', 'Baseline', 100, notIn('kube-system', 'legacy'), { ingress: [DENY_IN], egress: [DNS, DENY_OUT] });

const cluster = [namespace('shop'), namespace('legacy'), namespace('empty'),
  pod('shop', 'web', { labels: { app: 'web' } }), pod('legacy', 'old', { labels: { app: 'old' } })];

function findings(objects: any[], rule: string): AuditFinding[] {
  return Reachability.fromManifests(validateAll(objects)).audit().filter(f => f.ruleId === rule);
}

describe('NETSEC020 namespace-outside-guardrails', () => {
  test('a namespace with workloads exempt from the Baseline deny and not isolated is reported; covered and empty ones are not', () => {
    const found = findings([...cluster, BASELINE], 'NETSEC020');
    expect(found.map(f => [f.severity, f.resource, f.message])).toEqual([['high', 'Namespace legacy',
      'namespace legacy has 1 workload (old) but neither a Baseline-tier ClusterNetworkPolicy Deny of every peer (baseline-default-deny does not cover it) '
      + 'nor a NetworkPolicy default deny isolates its ingress and egress']]);
    expect(found[0].fix).toMatch(/^Remove the namespace from the guardrails' exemptions/);
  });

  test('a NetworkPolicy default deny of one direction leaves the other reported', () => {
    const found = findings([...cluster, BASELINE, policy('legacy', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] })], 'NETSEC020');
    expect(found.map(f => f.message)).toEqual([expect.stringMatching(/isolates its egress$/)]);
    expect(findings([...cluster, BASELINE, policy('legacy', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], 'NETSEC020')).toEqual([]);
  });

  test('an egress Deny that leaves outside addresses open, or only some pods, or with protocols, does not count', () => {
    const clusterOnly = cnp('b', 'Baseline', 100, { namespaces: {} }, { ingress: [DENY_IN], egress: [{ name: 'd', action: 'Deny', to: [EVERY_POD] }] });
    expect(findings([...cluster, clusterOnly], 'NETSEC020').map(f => f.message))
      .toEqual([expect.stringMatching(/isolates its egress$/), expect.stringMatching(/isolates its egress$/)]);
    const somePods = cnp('b', 'Baseline', 100, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } } }, { ingress: [DENY_IN], egress: [DENY_OUT] });
    expect(findings([...cluster, somePods], 'NETSEC020')).toHaveLength(2);
    const oneProtocol = cnp('b', 'Baseline', 100, { namespaces: {} }, { ingress: [{ ...DENY_IN, protocols: [{ tcp: { destinationPort: { number: 80 } } }] }], egress: [DENY_OUT] });
    expect(findings([...cluster, oneProtocol], 'NETSEC020').map(f => f.message)).toEqual([expect.stringMatching(/isolates its ingress$/), expect.stringMatching(/isolates its ingress$/)]);
  });

  test('a subject by pods with an empty podSelector covers the namespace; without Baseline policies the rule is silent', () => {
    const byPods = cnp('b', 'Baseline', 100, { pods: { namespaceSelector: {}, podSelector: {} } }, { ingress: [DENY_IN], egress: [DENY_OUT] });
    expect(findings([...cluster, byPods], 'NETSEC020')).toEqual([]);
    expect(findings(cluster, 'NETSEC020')).toEqual([]);
  });

  test('a Baseline Deny is a default deny for NETSEC001/002/003 too, only where it covers the namespace and direction', () => {
    for (const rule of ['NETSEC001', 'NETSEC002']) {
      expect(findings(cluster, rule).map(f => f.resource)).toEqual(['Namespace legacy', 'Namespace shop']);
      expect(findings([...cluster, BASELINE], rule).map(f => f.resource)).toEqual(['Namespace legacy']);
    }
    expect(findings([...cluster, BASELINE], 'NETSEC003').map(f => f.resource)).toEqual(['Pod legacy/old']);
    const ingressOnly = cnp('b', 'Baseline', 100, { namespaces: {} }, { ingress: [DENY_IN] });
    expect(findings([...cluster, ingressOnly], 'NETSEC001')).toEqual([]);
    expect(findings([...cluster, ingressOnly], 'NETSEC002').map(f => f.resource)).toEqual(['Namespace legacy', 'Namespace shop']);
    expect(findings([...cluster, ingressOnly], 'NETSEC003').map(f => f.resource)).toEqual(['Pod legacy/old', 'Pod shop/web']);
  });
});

describe('NETSEC021 admin-accept-reopens-metadata-endpoint', () => {
  const subject = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } };

  test('an Admin Accept whose networks cover a metadata endpoint is critical, naming the field', () => {
    const admin = cnp('cloud-sdk', 'Admin', 10, subject, {
      egress: [
        { name: 'dns', action: 'Accept', to: [{ networks: ['10.96.0.10/32'] }] },
        { name: 'link-local', action: 'Accept', to: [{ networks: ['169.254.0.0/16', 'fd00:ec2::/64'] }] },
      ],
    });
    const found = findings([...cluster, admin], 'NETSEC021');
    expect(found.map(f => [f.severity, f.resource, f.message])).toEqual([['critical', 'ClusterNetworkPolicy cloud-sdk',
      'Admin-tier Accept rule re-opens the instance metadata endpoint (priority 10): spec.egress[1].to[0].networks[0] 169.254.0.0/16 covers 169.254.169.254; '
      + 'spec.egress[1].to[0].networks[1] fd00:ec2::/64 covers fd00:ec2::254; no NetworkPolicy or Baseline rule can deny it to the subjects']]);
  });

  test('Deny and Pass rules, Baseline Accepts and networks around the endpoint are not reported', () => {
    const deny = cnp('guard', 'Admin', 5, { namespaces: {} }, { egress: [{ name: 'metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    const pass = cnp('pass', 'Admin', 6, { namespaces: {} }, { egress: [{ name: 'p', action: 'Pass', to: [{ networks: ['0.0.0.0/0'] }] }] });
    const around = cnp('around', 'Admin', 7, subject, { egress: [{ name: 'a', action: 'Accept', to: [{ networks: ['169.254.0.0/17', '10.0.0.0/8'] }] }] });
    const baseline = cnp('b', 'Baseline', 7, subject, { egress: [{ name: 'a', action: 'Accept', to: [{ networks: ['0.0.0.0/0'] }] }] });
    expect(findings([...cluster, deny, pass, around, baseline], 'NETSEC021')).toEqual([]);
  });

  test('every metadata address counts, on the ports where it serves secrets: Azure DNS alone on the WireServer is not a re-opening', () => {
    const dnsOnly = cnp('azure-dns', 'Admin', 10, subject, {
      egress: [{
        name: 'dns',
        action: 'Accept',
        to: [{ networks: ['168.63.129.16/32'] }],
        protocols: [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }],
      }],
    });
    expect(findings([...cluster, dnsOnly], 'NETSEC021')).toEqual([]);
    const agent = cnp('wire', 'Admin', 10, subject, {
      egress: [{
        name: 'agent',
        action: 'Accept',
        to: [{ networks: ['168.0.0.0/8', '100.64.0.0/10', 'fd20::/16'] }],
        protocols: [{ tcp: { destinationPort: { range: { start: 80, end: 32526 } } } }],
      }],
    });
    expect(findings([...cluster, agent], 'NETSEC021').map(f => f.message)).toEqual([
      'Admin-tier Accept rule re-opens the instance metadata endpoint (priority 10): spec.egress[0].to[0].networks[0] 168.0.0.0/8 covers 168.63.129.16; '
      + 'spec.egress[0].to[0].networks[1] 100.64.0.0/10 covers 100.100.100.200; spec.egress[0].to[0].networks[2] fd20::/16 covers fd20:ce::254; '
      + 'no NetworkPolicy or Baseline rule can deny it to the subjects',
    ]);
    const agentPortOnly = cnp('wire', 'Admin', 10, subject, {
      egress: [{
        name: 'agent',
        action: 'Accept',
        to: [{ networks: ['168.63.129.16/32'] }],
        protocols: [{ tcp: { destinationPort: { number: 32526 } } }],
      }],
    });
    expect(findings([...cluster, agentPortOnly], 'NETSEC021')).toHaveLength(1);
  });
});
