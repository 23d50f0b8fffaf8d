import { Reachability } from '../../src';
import type { AuditFinding } from '../../src';
import { namespace, pod, policy } from '../analysis/fixtures';

/*
 * Issue 22 item 4: the audit's address rules. NETSEC004 counts any set of blocks that together cover the
 * public address space as the internet, across the rules and policies of one pod, on a port they all open;
 * NETSEC005 probes every metadata address core/addresses.ts knows, on the ports where it serves secrets.
 * Manifests are hand-written NetworkPolicies, validated against the networking.k8s.io/v1 schema.
 */

const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });
const tcp = (port: number, endPort?: number) => ({ protocol: 'TCP', port, ...(endPort ? { endPort } : {}) });

/** An egress policy of `name` selecting pods with app=`app` (every pod when undefined), one rule per entry. */
function egress(name: string, rules: { to: any[]; ports?: any[] }[], app?: string): any {
  return policy('shop', name, {
    podSelector: app ? { matchLabels: { app } } : {},
    policyTypes: ['Egress'],
    egress: rules.map(r => ({ to: r.to, ...(r.ports ? { ports: r.ports } : {}) })),
  });
}

function findings(rule: string, ...objects: any[]): AuditFinding[] {
  // Every pod of the namespace is egress-isolated; the policies under test open the rest.
  const deny = policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Egress'] });
  const cluster = [namespace('shop'), deny, pod('shop', 'web', { labels: { app: 'web' } }), pod('shop', 'api', { labels: { app: 'api' } })];
  return Reachability.fromManifests([...cluster, ...objects]).audit().filter(f => f.ruleId === rule);
}

const messages = (rule: string, ...objects: any[]) => findings(rule, ...objects).map(f => `${f.resource}: ${f.message}`);

describe('NETSEC004: the internet across the rules of one pod', () => {
  test('0.0.0.0/1 and 128.0.0.0/1 in two rules of one policy: each pod it selects is reported once, naming both rules', () => {
    const two = egress('halves', [{ to: [block('0.0.0.0/1')], ports: [tcp(443)] }, { to: [block('128.0.0.0/1')], ports: [tcp(443)] }]);
    expect(messages('NETSEC004', two)).toEqual([
      'Pod shop/api: shop/api may reach every public IPv4 address (the internet) on TCP 443 through several egress rules together: '
        + 'NetworkPolicy shop/halves spec.egress[0] (0.0.0.0/1); NetworkPolicy shop/halves spec.egress[1] (128.0.0.0/1)',
      'Pod shop/web: shop/web may reach every public IPv4 address (the internet) on TCP 443 through several egress rules together: '
        + 'NetworkPolicy shop/halves spec.egress[0] (0.0.0.0/1); NetworkPolicy shop/halves spec.egress[1] (128.0.0.0/1)',
    ]);
    expect(findings('NETSEC004', two).map(f => f.severity)).toEqual(['high', 'high']);
  });

  test('::/1 and 8000::/1: ::/1 alone holds all of global unicast (2000::/3), so its rule is reported on its policy', () => {
    expect(messages('NETSEC004', egress('v6', [{ to: [block('::/1'), block('8000::/1')], ports: [tcp(443)] }]))).toEqual([
      'NetworkPolicy shop/v6: spec.egress[0] allows ipBlock ::/1, ipBlock 8000::/1: together every public IPv6 address (the internet), on TCP 443',
    ]);
    const low = egress('low', [{ to: [block('::/1')], ports: [tcp(443)] }], 'web');
    const high = egress('high', [{ to: [block('8000::/1')], ports: [tcp(443)] }], 'web');
    expect(messages('NETSEC004', low, high)).toEqual([
      'NetworkPolicy shop/low: spec.egress[0] allows ipBlock ::/1: every public IPv6 address (the internet), on TCP 443',
    ]);
  });

  test('IPv6 halves of global unicast in two policies of one pod: 2000::/4 and 3000::/4', () => {
    const low = egress('low', [{ to: [block('2000::/4')], ports: [tcp(443)] }], 'web');
    const high = egress('high', [{ to: [block('3000::/4')], ports: [tcp(443)] }], 'web');
    expect(messages('NETSEC004', low, high)).toEqual([
      'Pod shop/web: shop/web may reach every public IPv6 address (the internet) on TCP 443 through several egress rules together: '
        + 'NetworkPolicy shop/high spec.egress[0] (3000::/4); NetworkPolicy shop/low spec.egress[0] (2000::/4)',
    ]);
  });

  test('0.0.0.0/2 + 64.0.0.0/2 in one policy and 128.0.0.0/1 in another, for one pod', () => {
    const quarters = egress('quarters', [{ to: [block('0.0.0.0/2'), block('64.0.0.0/2')], ports: [tcp(443)] }], 'web');
    const half = egress('half', [{ to: [block('128.0.0.0/1')], ports: [tcp(443)] }], 'web');
    expect(messages('NETSEC004', quarters, half)).toEqual([
      'Pod shop/web: shop/web may reach every public IPv4 address (the internet) on TCP 443 through several egress rules together: '
        + 'NetworkPolicy shop/half spec.egress[0] (128.0.0.0/1); NetworkPolicy shop/quarters spec.egress[0] (0.0.0.0/2, 64.0.0.0/2)',
    ]);
  });

  test('a union that leaves a public gap is not the internet: a missing quarter, or one public address excepted', () => {
    const quarters = egress('quarters', [{ to: [block('0.0.0.0/2'), block('64.0.0.0/2')], ports: [tcp(443)] }], 'web');
    expect(findings('NETSEC004', quarters, egress('third', [{ to: [block('128.0.0.0/2')], ports: [tcp(443)] }], 'web'))).toEqual([]);
    expect(findings('NETSEC004', quarters, egress('gap', [{ to: [block('128.0.0.0/1', ['203.0.113.7/32'])], ports: [tcp(443)] }], 'web'))).toEqual([]);
    // Excepting only non-public ranges (and the metadata endpoints) leaves the internet whole.
    const guarded = egress('guarded', [{ to: [block('128.0.0.0/1', ['169.254.169.254/32', '192.168.0.0/16'])], ports: [tcp(443)] }], 'web');
    expect(findings('NETSEC004', quarters, guarded)).toHaveLength(1);
  });

  test('the rules must open a common port: 443 and 80 are two half-internets, a range and a port inside it are one', () => {
    const low = (ports: any[]) => egress('low', [{ to: [block('0.0.0.0/1')], ports }], 'web');
    const high = (ports: any[]) => egress('high', [{ to: [block('128.0.0.0/1')], ports }], 'web');
    expect(findings('NETSEC004', low([tcp(443)]), high([tcp(80)]))).toEqual([]);
    expect(findings('NETSEC004', low([tcp(443)]), high([{ protocol: 'UDP', port: 443 }]))).toEqual([]);
    expect(messages('NETSEC004', low([tcp(440, 450)]), high([tcp(445)]))).toEqual([expect.stringContaining('on TCP 445 through several egress rules')]);
    // A rule without ports opens every port: the union holds on the other rule's port, and on every other port only if both are port-less.
    expect(messages('NETSEC004', egress('low', [{ to: [block('0.0.0.0/1')] }], 'web'), high([tcp(443)])))
      .toEqual([expect.stringContaining('on TCP 443 through several egress rules')]);
    expect(messages('NETSEC004', egress('low', [{ to: [block('0.0.0.0/1')] }], 'web'), egress('high', [{ to: [block('128.0.0.0/1')] }], 'web')))
      .toEqual([expect.stringContaining('on every port no rule names through several egress rules')]);
  });

  test('halves held by policies of different pods are no pod\'s internet', () => {
    expect(findings('NETSEC004', egress('low', [{ to: [block('0.0.0.0/1')], ports: [tcp(443)] }], 'web'),
      egress('high', [{ to: [block('128.0.0.0/1')], ports: [tcp(443)] }], 'api'))).toEqual([]);
  });

  test('a rule that is the internet alone is reported on its policy only, not again per pod', () => {
    const whole = egress('whole', [{ to: [block('0.0.0.0/0')], ports: [tcp(443)] }, { to: [block('128.0.0.0/1')], ports: [tcp(443)] }], 'web');
    expect(findings('NETSEC004', whole).map(f => f.resource)).toEqual(['NetworkPolicy shop/whole']);
  });
});

describe('NETSEC005: every metadata address, on its secret ports', () => {
  test.each([
    ['Alibaba Cloud', '100.100.100.200/32', '100.100.100.200 on TCP 80'],
    ['GCP IPv6', 'fd20:ce::254/128', 'fd20:ce::254 on TCP 80'],
    ['AWS IPv6', 'fd00:ec2::254/128', 'fd00:ec2::254 on TCP 80'],
    ['Akamai IPv6', 'fd00:a9fe:a9fe::1/128', 'fd00:a9fe:a9fe::1 on TCP 80'],
    ['Azure WireServer', '168.63.129.16/32', '168.63.129.16 on TCP 80, 32526'],
  ])('a hand-written NetworkPolicy that opens %s (%s) is critical', (_cloud, cidr, reached) => {
    const open = egress('open', [{ to: [block(cidr)] }], 'web');
    const found = findings('NETSEC005', open);
    expect(found.map(f => [f.severity, f.resource])).toEqual([['critical', 'Pod shop/web']]);
    expect(found[0].message).toBe(`shop/web may connect to a cloud metadata endpoint: ${reached} (allowed by shop/open egress[0] (isolated by shop/default-deny, shop/open))`);
  });

  test('the WireServer\'s agent port alone is found; its DNS port alone is not', () => {
    expect(messages('NETSEC005', egress('agent', [{ to: [block('168.63.129.16/32')], ports: [tcp(32526)] }], 'web')))
      .toEqual(['Pod shop/web: shop/web may connect to a cloud metadata endpoint: 168.63.129.16 on TCP 32526 (allowed by shop/agent egress[0] (isolated by shop/agent, shop/default-deny))']);
    expect(findings('NETSEC005', egress('dns', [{ to: [block('168.63.129.16/32')], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }], 'web'))).toEqual([]);
  });

  test('a wide block that excepts every metadata address is not reported; one that misses the new ones is', () => {
    const all = ['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32'];
    expect(findings('NETSEC005', egress('guarded', [{ to: [block('0.0.0.0/0', all)] }], 'web'))).toEqual([]);
    expect(messages('NETSEC005', egress('old', [{ to: [block('0.0.0.0/0', ['169.254.169.254/32'])] }], 'web'))).toEqual([
      'Pod shop/web: shop/web may connect to a cloud metadata endpoint: 100.100.100.200 on TCP 80 (allowed by shop/old egress[0] (isolated by shop/default-deny, shop/old)); '
        + '168.63.129.16 on TCP 80, 32526 (allowed by shop/old egress[0] (isolated by shop/default-deny, shop/old))',
    ]);
  });
});
