/*
 * The composition evaluator on small hand-written manifests: one test per semantics it implements, each
 * with the answer that a wrong reading would flip.
 */
import { Evaluator, Pod, Query } from './evaluator';

const pod = (name: string, namespace: string, labels: { [k: string]: string }, extra: Partial<Pod> = {}): Pod =>
  ({ name, namespace, labels, ...extra });
const web = pod('web', 'shop', { app: 'web' }, { serviceAccount: 'web' });
const api = pod('api', 'shop', { app: 'api' }, { serviceAccount: 'api', ports: [{ name: 'http', containerPort: 9090 }] });
const other = pod('other', 'data', { app: 'web' }, { serviceAccount: 'web' });
const q = (source: Pod | { ip: string; fqdn?: string } | { entity: string }, destination: Pod | { ip: string; fqdn?: string }, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): Query => ({
  source: 'name' in source ? { pod: source } : source,
  destination: 'name' in destination ? { pod: destination } : destination,
  protocol,
  port,
});
const np = (namespace: string, spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });

describe('NetworkPolicy', () => {
  test('a pod no policy selects is open both ways; one isolated side is enough to deny', () => {
    const e = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })]);
    expect(e.l4(q(web, other, 1))).toBe(true);
    expect(e.l4(q(web, api, 9090))).toBe(false);
    expect(e.l4(q(api, web, 8080))).toBe(true); // api's egress is not isolated
  });

  test('policyTypes default: Ingress always, Egress only with egress rules', () => {
    const ingressOnly = new Evaluator([np('shop', { podSelector: {}, egress: [] })]);
    expect(ingressOnly.l4(q(web, { ip: '203.0.113.1' }, 443))).toBe(true);
    expect(ingressOnly.l4(q(other, web, 80))).toBe(false);
    const both = new Evaluator([np('shop', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })]);
    expect(both.l4(q(web, { ip: '203.0.113.1' }, 443))).toBe(false);
    expect(both.l4(q(web, { ip: '203.0.113.1' }, 53, 'UDP'))).toBe(true);
  });

  test('ipBlock except removes addresses from the block', () => {
    const e = new Evaluator([np('shop', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }] })]);
    expect(e.l4(q(web, { ip: '203.0.113.1' }, 80))).toBe(true);
    expect(e.l4(q(web, { ip: '169.254.169.254' }, 80))).toBe(false);
    expect(e.l4(q(web, api, 9090))).toBe(false); // ipBlock names the outside, not pods
  });

  test('endPort opens a range, both ends included', () => {
    const e = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 9000, endPort: 9100 }] }] })]);
    expect([8999, 9000, 9100, 9101].map((p) => e.l4(q(web, api, p)))).toEqual([false, true, true, false]);
  });

  test('a named port is resolved on the destination pod, for its protocol', () => {
    const e = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 'http' }] }] })]);
    expect(e.l4(q(web, api, 9090))).toBe(true);
    expect(e.l4(q(web, api, 9091))).toBe(false);
    expect(e.l4(q(web, api, 9090, 'UDP'))).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer are AND; in two peers OR', () => {
    const and = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'web' } } }] }] })]);
    expect(and.l4(q(web, api, 9090))).toBe(true);
    expect(and.l4(q(other, api, 9090))).toBe(false);
    const or = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }, { podSelector: { matchLabels: { app: 'nothing' } } }] }] })]);
    expect(or.l4(q(other, api, 9090))).toBe(true);
    expect(or.l4(q(web, api, 9090))).toBe(false);
  });

  test('a podSelector alone stays in the policy namespace; an empty rule list allows nothing', () => {
    const e = new Evaluator([np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })]);
    expect(e.l4(q(other, api, 9090))).toBe(false);
    expect(new Evaluator([np('shop', { podSelector: {}, ingress: [] })]).l4(q(web, api, 9090))).toBe(false);
  });
});

const cnp = (tier: string, priority: number, spec: any) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: `${tier}-${priority}` }, spec: { tier, priority, subject: { namespaces: {} }, ...spec } });

describe('ClusterNetworkPolicy', () => {
  test('an Admin Deny wins over a NetworkPolicy allow; Accept skips NetworkPolicy; lower priority first', () => {
    const allowAll = np('shop', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const deny = cnp('Admin', 10, { egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    expect(new Evaluator([allowAll, deny]).l4(q(web, { ip: '169.254.169.254' }, 80))).toBe(false);
    const denyAll = np('shop', { podSelector: {}, policyTypes: ['Egress'] });
    const accept = cnp('Admin', 5, { egress: [{ action: 'Accept', to: [{ networks: ['169.254.169.254/32'] }] }] });
    expect(new Evaluator([denyAll, deny, accept]).l4(q(web, { ip: '169.254.169.254' }, 80))).toBe(true);
  });

  test('Admin Pass hands the decision to NetworkPolicy, and past it to Baseline', () => {
    const pass = cnp('Admin', 1, { ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] });
    const deny = cnp('Admin', 2, { ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    const baselineDeny = cnp('Baseline', 1, { ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    expect(new Evaluator([pass, deny]).l4(q(web, api, 9090))).toBe(true);
    expect(new Evaluator([pass, deny, baselineDeny]).l4(q(web, api, 9090))).toBe(false);
    const allowWeb = np('shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(new Evaluator([pass, deny, baselineDeny, allowWeb]).l4(q(web, api, 9090))).toBe(true);
  });

  test('Baseline deny applies only to pods no NetworkPolicy isolates; protocols narrow a rule', () => {
    const baseline = cnp('Baseline', 1, {
      egress: [
        { action: 'Accept', to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } }], protocols: [{ udp: { destinationPort: { number: 53 } } }] },
        { action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0'] }] },
      ],
    });
    expect(new Evaluator([baseline]).l4(q(web, api, 53, 'UDP'))).toBe(true);
    expect(new Evaluator([baseline]).l4(q(web, api, 53))).toBe(false);
    expect(new Evaluator([baseline]).l4(q(web, { ip: '203.0.113.1' }, 443))).toBe(false);
    const open = np('shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] });
    expect(new Evaluator([baseline, open]).l4(q(web, { ip: '203.0.113.1' }, 443))).toBe(true);
  });
});

const cilium = (namespace: string, spec: any) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace }, spec });

describe('CiliumNetworkPolicy', () => {
  test('toFQDNs matches by name, toPorts narrows, and its allows add to NetworkPolicy allows', () => {
    const c = cilium('shop', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] });
    const e = new Evaluator([c]);
    expect(e.l4(q(web, { ip: '198.51.100.7', fqdn: 'api.stripe.com' }, 443))).toBe(true);
    expect(e.l4(q(web, { ip: '198.51.100.7', fqdn: 'evil.example.com' }, 443))).toBe(false);
    expect(e.l4(q(web, { ip: '198.51.100.7', fqdn: 'api.stripe.com' }, 80))).toBe(false);
    const toApi = np('shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] });
    expect(new Evaluator([c, toApi]).l4(q(web, api, 9090))).toBe(true);
    expect(new Evaluator([c, toApi]).l4(q(web, other, 9090))).toBe(false);
  });

  test('endpoints stay in the policy namespace unless the namespace key is named; entities', () => {
    const c = cilium('shop', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [
        { fromEndpoints: [{ matchLabels: { app: 'web' } }] },
        { fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }] },
      ],
    });
    const e = new Evaluator([c]);
    expect(e.l4(q(web, api, 1))).toBe(true);
    expect(e.l4(q(other, api, 1))).toBe(false);
    expect(e.l4(q({ entity: 'ingress' }, api, 9090))).toBe(true);
    expect(e.l4(q({ entity: 'ingress' }, api, 9091))).toBe(false);
    const cross = cilium('shop', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'app': 'web', 'k8s:io.kubernetes.pod.namespace': 'data' } }] }] });
    expect(new Evaluator([cross]).l4(q(other, api, 1))).toBe(true);
    expect(new Evaluator([cross]).l4(q(web, api, 1))).toBe(false);
  });
});

const ap = (namespace: string, spec: any, name = 'ap') => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });
const pa = (namespace: string, mode: string) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'pa', namespace }, spec: { mtls: { mode } } });

describe('Istio', () => {
  const mWeb = { ...web, mesh: 'sidecar' as const };
  const mApi = { ...api, mesh: 'sidecar' as const };

  test('allow-nothing denies every caller; an ALLOW by principal and port admits exactly that caller', () => {
    expect(new Evaluator([ap('shop', {}, 'nothing')]).l7(q(mWeb, mApi, 9090))).toBe(false);
    expect(new Evaluator([]).l7(q(mWeb, mApi, 9090))).toBe(true);
    const allow = ap('shop', { selector: { matchLabels: { app: 'api' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9090'] } }] }] });
    const e = new Evaluator([ap('shop', {}, 'nothing'), allow]);
    expect(e.l7(q(mWeb, mApi, 9090))).toBe(true);
    expect(e.l7(q(mWeb, mApi, 9091))).toBe(false);
    expect(e.l7(q({ ...other, mesh: 'sidecar' }, mApi, 9090))).toBe(false); // same service account name, other namespace
    expect(e.l7(q(mApi, mWeb, 8080))).toBe(false);
  });

  test('DENY wins over ALLOW; root-namespace policies apply everywhere', () => {
    const allowAll = ap('shop', { rules: [{}] });
    const deny = ap('istio-system', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] }, 'deny');
    expect(new Evaluator([allowAll]).l7(q(mWeb, mApi, 1))).toBe(true);
    expect(new Evaluator([allowAll, deny]).l7(q(mWeb, mApi, 1))).toBe(false);
  });

  test('STRICT refuses callers without a mesh identity; PERMISSIVE lets them in without a principal', () => {
    expect(new Evaluator([pa('shop', 'STRICT')]).l7(q(web, mApi, 9090))).toBe(false);
    expect(new Evaluator([pa('istio-system', 'STRICT')]).l7(q(web, mApi, 9090))).toBe(false);
    expect(new Evaluator([pa('shop', 'PERMISSIVE')]).l7(q(web, mApi, 9090))).toBe(true);
    expect(new Evaluator([pa('shop', 'STRICT')]).l7(q(mWeb, mApi, 9090))).toBe(true);
    const byPrincipal = ap('shop', { rules: [{ from: [{ source: { principals: ['*'] } }] }] });
    expect(new Evaluator([pa('shop', 'PERMISSIVE'), byPrincipal]).l7(q(web, mApi, 9090))).toBe(false);
    expect(new Evaluator([pa('shop', 'STRICT')]).l7(q(mWeb, web, 9090))).toBe(true); // no proxy at the destination
  });
});
