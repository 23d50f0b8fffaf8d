import { Testing, Yaml } from 'cdk8s';
import { buildClusterGuardrails } from '../../examples/cluster-guardrails/main';
import { Reachability } from '../../src/analysis';
import { listAcceptances } from '../../src/audit/acceptance-list';
import { AuditSeverity } from '../../src/audit/audit-finding';
import { Port } from '../../src/core/port';
import { KUBE_SYSTEM_REASON } from '../../src/guardrails/namespace-exemption';
import { findObject, objectsOfKind, synthValid, validateAll } from '../util';

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const METADATA = ['100.100.100.200/32', '168.63.129.16/32', '169.254.169.254/32', 'fd00:a9fe:a9fe::1/128', 'fd00:ec2::254/128', 'fd20:ce::254/128'];
const GUARDED = { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } };
const at = (namespace: string, pod: string) => ({ namespace, pod });

describe('examples/cluster-guardrails', () => {
  const app = Testing.app();
  const { platform, shop, payments } = buildClusterGuardrails(app);
  const guardrails = synthValid(platform);
  const objects = [...synthValid(shop), ...synthValid(payments)];
  const r = Reachability.fromApp(app);

  test('the platform chart holds the cluster-scoped guardrails and the NetworkPolicies of the platform components in guarded namespaces', () => {
    expect(objectsOfKind(guardrails, 'ClusterNetworkPolicy').map((o) => o.metadata.name)).toEqual([
      expect.stringMatching(/^guardrails-metadata-access-monitoring-agent-[0-9a-f]{8}$/),
      'guardrails-metadata-deny',
      'guardrails-default-deny',
      // Made when the app is validated: the payments mesh requires istiod of every pod there.
      'guardrails-required-egress-payments',
    ]);
    for (const o of objectsOfKind(guardrails, 'ClusterNetworkPolicy')) expect(o.metadata.namespace).toBeUndefined();
    expect(objectsOfKind(guardrails, 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'cert-manager/cert-manager', 'cert-manager/cert-manager-cainjector', 'cert-manager/cert-manager-webhook',
      'envoy-gateway-system/envoy-gateway', 'envoy-gateway-system/gateway-edge-edge', 'istio-system/istiod',
    ]);
  });

  test('Admin: the agent\'s exception passes at 500, then every pod of every namespace (exempt ones too) is denied the metadata endpoint at 501', () => {
    const [exception] = guardrails;
    expect(exception.spec).toEqual({
      tier: 'Admin',
      priority: 500,
      subject: { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'agent' } } } },
      egress: [{ name: 'pass-metadata-endpoint', action: 'Pass', to: [{ networks: METADATA }] }],
    });
    expect(findObject(guardrails, 'ClusterNetworkPolicy', 'guardrails-metadata-deny').spec).toEqual({
      tier: 'Admin', priority: 501, subject: { namespaces: {} }, egress: [{ name: 'deny-metadata-endpoint', action: 'Deny', to: [{ networks: METADATA }] }],
    });
  });

  test('Baseline: default deny both ways for every namespace but kube-system, whose exemption carries its reason', () => {
    const baseline = findObject(guardrails, 'ClusterNetworkPolicy', 'guardrails-default-deny');
    expect(baseline.metadata.annotations).toEqual({ 'netsec.cdk8s.io/exemptions': expect.stringMatching(/^kube-system: the cluster's own system components/) });
    expect(baseline.spec.tier).toBe('Baseline');
    expect(baseline.spec.subject).toEqual(GUARDED);
    expect(baseline.spec.ingress).toEqual([{ name: 'deny-all-ingress', action: 'Deny', from: [{ namespaces: {} }] }]);
    expect(baseline.spec.egress.map((rule: any) => `${rule.name}:${rule.action}`)).toEqual(['accept-dns:Accept', 'deny-all-egress:Deny']);
  });

  test('the teams\' tiers write both sides of their flows and nothing else', () => {
    expect(findObject(objects, 'NetworkPolicy', 'api', 'shop').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [tcp(9090)] }]);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'api'), Port.tcp(9090))).toBe(true);
    expect(r.isAllowed(at('shop', 'api'), at('shop', 'db'), Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('shop', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.isAllowed(at('payments', 'checkout'), at('payments', 'ledger'), Port.tcp(8443))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), at('payments', 'ledger'), Port.tcp(8443))).toBe(false);
  });

  test('the mesh works in a guarded istio-system: sidecars reach istiod on 15012 only; istiod serves webhooks to the API server', () => {
    const istiod = at('istio-system', 'istiod');
    expect(r.isAllowed(at('payments', 'checkout'), istiod, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('payments', 'ledger'), istiod, Port.tcp(15012))).toBe(true);
    expect(r.isAllowed(at('payments', 'checkout'), istiod, Port.tcp(15010))).toBe(false);
    expect(r.isAllowed({ ip: '10.0.0.5' }, istiod, Port.tcp(15017))).toBe(true);
    expect(r.isAllowed(istiod, { ip: '10.0.0.5' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(istiod, at('payments', 'ledger'), Port.tcp(8443))).toBe(false);
  });

  test('the gateway works in a guarded envoy-gateway-system: outside -> Envoy on its container ports -> web and the ACME solvers; Envoy -> its controller', () => {
    const envoy = at('envoy-gateway-system', 'gateway-edge-edge');
    expect(r.isAllowed({ ip: '198.51.100.7' }, envoy, Port.tcp(10443))).toBe(true);
    expect(r.isAllowed({ ip: '198.51.100.7' }, envoy, Port.tcp(10080))).toBe(true);
    expect(r.isAllowed({ ip: '198.51.100.7' }, envoy, Port.tcp(19000))).toBe(false);
    expect(r.isAllowed(envoy, at('shop', 'web'), Port.tcp(8080))).toBe(true);
    expect(r.isAllowed(envoy, at('edge', 'acme-http01-solver-edge'), Port.tcp(8089))).toBe(true);
    expect(r.isAllowed(envoy, at('envoy-gateway-system', 'envoy-gateway'), Port.tcp(18000))).toBe(true);
    expect(r.isAllowed(envoy, at('shop', 'api'), Port.tcp(9090))).toBe(false);
    expect(r.isAllowed(envoy, { ip: '198.51.100.7' }, Port.tcp(443))).toBe(false);
    expect(r.isAllowed({ ip: '198.51.100.7' }, at('shop', 'web'), Port.tcp(8080))).toBe(false);
  });

  test('cert-manager works in a guarded namespace: ACME and self-checks outside, the API server, webhooks from the API server; never the metadata endpoint', () => {
    const controller = at('cert-manager', 'cert-manager');
    expect(r.isAllowed(controller, { ip: '172.65.32.248' }, Port.tcp(443))).toBe(true);
    expect(r.isAllowed(controller, { ip: '10.0.0.5' }, Port.tcp(6443))).toBe(true);
    expect(r.isAllowed(controller, { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(controller, at('shop', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.isAllowed({ ip: '10.0.0.5' }, at('cert-manager', 'cert-manager-webhook'), Port.tcp(10250))).toBe(true);
    expect(r.isAllowed({ ip: '198.51.100.7' }, at('cert-manager', 'cert-manager-webhook'), Port.tcp(10250))).toBe(false);
  });

  test('the metadata endpoint: the agent by its explicit opt-in; nobody else', () => {
    expect(r.isAllowed(at('monitoring', 'agent'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(true);
    expect(r.isAllowed(at('shop', 'web'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
    expect(r.isAllowed(at('envoy-gateway-system', 'gateway-edge-edge'), { ip: '169.254.169.254' }, Port.tcp(80))).toBe(false);
  });

  test('audit at the lowest threshold: every finding is accepted with a reason, none by the example on an object the library made', () => {
    const findings = Reachability.fromApp(app).audit({ minSeverity: AuditSeverity.LOW });
    expect(findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(findings.map((f) => `${f.ruleId} ${f.resource}`).sort()).toEqual([
      'NETSEC004 NetworkPolicy cert-manager/cert-manager',
      'NETSEC004 NetworkPolicy cert-manager/cert-manager',
      'NETSEC005 IsolatedTier monitoring/agent',
      'NETSEC013 IsolatedTier cert-manager/cert-manager-webhook',
      'NETSEC013 IsolatedTier edge/acme-http01-solver-edge',
      'NETSEC013 IsolatedTier envoy-gateway-system/envoy-gateway',
      'NETSEC013 IsolatedTier envoy-gateway-system/gateway-edge-edge',
      'NETSEC013 IsolatedTier istio-system/istiod',
    ]);
  });

  test('the audit passes at its default threshold, and lists the kube-system exemption as accepted, with its reason', () => {
    expect(() => app.synth()).not.toThrow();
    const exemptions = listAcceptances(guardrails).filter((e) => e.object.startsWith('v1 Namespace'));
    expect(exemptions.map((e) => [e.object, e.valid, e.reason])).toEqual([['v1 Namespace kube-system', true, KUBE_SYSTEM_REASON]]);
  });

  test('synthesizes schema-valid YAML (snapshot)', () => {
    expect(Yaml.stringify(...validateAll([...guardrails, ...objects]))).toMatchSnapshot();
  });
});
