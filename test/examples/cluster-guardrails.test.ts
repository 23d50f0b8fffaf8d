import { Testing, Yaml } from 'cdk8s';
import { buildClusterGuardrails } from '../../examples/cluster-guardrails/main';
import { Reachability } from '../../src/analysis';
import { AuditSeverity } from '../../src/audit/audit-finding';
import { Port } from '../../src/core/port';
import { findObject, objectsOfKind, synthValid, validateAll } from '../util';

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const METADATA = ['169.254.169.254/32', 'fd00:ec2::254/128'];
const GUARDED = { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } };

describe('examples/cluster-guardrails', () => {
  const { platform, shop } = buildClusterGuardrails(Testing.app());
  const guardrails = synthValid(platform);
  const objects = synthValid(shop);

  test('the platform chart holds only cluster-scoped ClusterNetworkPolicies', () => {
    expect(guardrails.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      expect.stringMatching(/^ClusterNetworkPolicy\/guardrails-metadata-access-monitoring-agent-[0-9a-f]{8}$/),
      'ClusterNetworkPolicy/guardrails-metadata-deny',
      'ClusterNetworkPolicy/guardrails-default-deny',
    ]);
    for (const o of guardrails) expect(o.metadata.namespace).toBeUndefined();
  });

  test('Admin: the agent\'s exception passes at 500, then every guarded pod is denied the metadata endpoint at 501', () => {
    const [exception] = guardrails;
    expect(exception.spec).toEqual({
      tier: 'Admin',
      priority: 500,
      subject: { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'agent' } } } },
      egress: [{ name: 'pass-metadata-endpoint', action: 'Pass', to: [{ networks: METADATA }] }],
    });
    expect(findObject(guardrails, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec).toEqual({
      tier: 'Admin', priority: 501, subject: GUARDED, egress: [{ name: 'deny-metadata-endpoint', action: 'Deny', to: [{ networks: METADATA }] }],
    });
  });

  test('Baseline: default deny both ways for every guarded namespace, DNS accepted first; kube-system exempt', () => {
    const baseline = findObject(guardrails, 'ClusterNetworkPolicy', 'guardrails-default-deny').spec;
    expect(baseline.tier).toBe('Baseline');
    expect(baseline.priority).toBe(501);
    expect(baseline.subject).toEqual(GUARDED);
    expect(baseline.ingress).toEqual([{ name: 'deny-all-ingress', action: 'Deny', from: [{ namespaces: {} }] }]);
    expect(baseline.egress.map((r: any) => `${r.name}:${r.action}`)).toEqual(['accept-dns:Accept', 'deny-all-egress:Deny']);
    expect(baseline.egress[1].to).toEqual([{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }]);
  });

  test('the shop has no NamespaceIsolation, yet each tier writes both sides of its flows and nothing else', () => {
    expect(objectsOfKind(objects, 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort())
      .toEqual(['monitoring/agent', 'shop/api', 'shop/db', 'shop/web']);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [tcp(9090)] }]);
    expect(findObject(objects, 'NetworkPolicy', 'web', 'shop').spec.ingress).toEqual([]);
    expect(findObject(objects, 'NetworkPolicy', 'agent', 'monitoring').spec.egress.slice(-1)).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }, { ipBlock: { cidr: 'fd00:ec2::254/128' } }], ports: [tcp(80)] },
    ]);
  });

  test('the tiers\' NetworkPolicies allow exactly the declared flows', () => {
    const r = Reachability.fromChart(shop);
    const web = { namespace: 'shop', pod: 'web' };
    const api = { namespace: 'shop', pod: 'api' };
    const db = { namespace: 'shop', pod: 'db' };
    expect(r.isAllowed(web, api, Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(api, db, Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(web, db, Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(api, web, Port.tcp(8080))).toBe(false);
    expect(r.isAllowed(web, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed({ namespace: 'monitoring', pod: 'agent' }, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(true);
  });

  test('audit at failOn high: only the agent\'s explicit metadata opt-in, accepted with a reason (the Baseline deny counts as default deny)', () => {
    const app = Testing.app();
    buildClusterGuardrails(app);
    const findings = Reachability.fromApp(app).audit({ minSeverity: AuditSeverity.HIGH });
    expect(findings.map((f) => `${f.ruleId} ${f.resource} ${f.suppressed}`)).toEqual(['NETSEC005 IsolatedTier monitoring/agent true']);
  });

  test('synthesizes schema-valid YAML (snapshot)', () => {
    expect(Yaml.stringify(...validateAll([...guardrails, ...objects]))).toMatchSnapshot();
  });
});
