import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterDns, ClusterIsolation, IngressController, IsolatedTier, NamespaceIsolation, Port, SecureIngress,
} from '../../src';
import { Reachability } from '../../src/analysis';
import { findObject, validateAll } from '../util';

/*
 * cert-manager's HTTP-01 solver pods resolve names through the DNS of their namespace (issue 21 item 7,
 * found by the composition property): the NamespaceIsolation that isolates the namespace's egress, else
 * the ClusterIsolation that guards it; two that disagree are refused. Judged by the analyzer on the
 * synthesized manifests plus the pods the cluster runs.
 */

const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const OPENSHIFT_DNS_LABELS = { 'dns.operator.openshift.io/daemonset-dns': 'default' };
const OPENSHIFT_DNS = ClusterDns.kubeDns({ namespace: 'openshift-dns', podLabels: OPENSHIFT_DNS_LABELS, ports: [5353] });
const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const PLATFORM_PODS = [
  pod('openshift-dns', 'dns', OPENSHIFT_DNS_LABELS),
  pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }),
  pod('shop', 'solver', SOLVER_LABELS),
  pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }),
];
const at = (namespace: string, name: string) => ({ namespace, pod: name });
const SOLVER = at('shop', 'solver');

function shop(app: App, dns?: ClusterDns): { chart: Chart; web: IsolatedTier } {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web', dns });
  return { chart, web };
}

function secure(chart: Chart, web: IsolatedTier): void {
  new SecureIngress(chart, 'public', {
    host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(),
  });
}

function synthAll(app: App): any[] {
  return validateAll(app.charts.flatMap((c) => Testing.synth(c)));
}

describe('the solver pods use the DNS of their namespace', () => {
  test('a NamespaceIsolation with OpenShift DNS, declared after the SecureIngress, governs: 5353 to the OpenShift DNS pods, not kube-dns', () => {
    const app = Testing.app();
    const { chart, web } = shop(app, OPENSHIFT_DNS);
    secure(chart, web);
    new NamespaceIsolation(chart, 'baseline', { dns: OPENSHIFT_DNS });
    const objects = synthAll(app);

    const solver = findObject(objects, 'NetworkPolicy', 'acme-http01-solver', 'shop');
    expect(solver.spec.podSelector).toEqual({ matchLabels: SOLVER_LABELS });
    expect(solver.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(solver.spec.egress).toEqual([{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } },
        podSelector: { matchLabels: OPENSHIFT_DNS_LABELS },
      }],
      ports: [{ port: 5353, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }],
    }]);

    const r = Reachability.fromManifests([...objects, ...PLATFORM_PODS]);
    expect(r.isAllowed(SOLVER, at('openshift-dns', 'dns'), Port.udp(5353))).toBe(true);
    expect(r.isAllowed(SOLVER, at('openshift-dns', 'dns'), Port.tcp(5353))).toBe(true);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.udp(53))).toBe(false);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.tcp(53))).toBe(false);
    expect(r.isAllowed(at('ingress-nginx', 'controller'), SOLVER, Port.tcp(8089))).toBe(true);
  });

  test('NodeLocal DNSCache: the cache address and its kube-dns upstream, nothing else', () => {
    const app = Testing.app();
    const dns = ClusterDns.nodeLocalCache();
    const { chart, web } = shop(app, dns);
    new NamespaceIsolation(chart, 'baseline', { dns });
    secure(chart, web);
    const objects = synthAll(app);
    const r = Reachability.fromManifests([...objects, ...PLATFORM_PODS]);
    expect(r.isAllowed(SOLVER, { ip: '169.254.20.10' }, Port.udp(53))).toBe(true);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(SOLVER, { ip: '169.254.20.11' }, Port.udp(53))).toBe(false);
    expect(r.isAllowed(SOLVER, at('openshift-dns', 'dns'), Port.udp(5353))).toBe(false);
  });

  test('without any isolation of its namespace the solver\'s egress stays open (no egress section)', () => {
    const app = Testing.app();
    const { chart, web } = shop(app, OPENSHIFT_DNS);
    secure(chart, web);
    const solver = findObject(synthAll(app), 'NetworkPolicy', 'acme-http01-solver', 'shop');
    expect(solver.spec.policyTypes).toEqual(['Ingress']);
    expect(solver.spec.egress).toBeUndefined();
  });

  test('two NamespaceIsolations of the namespace that state different DNS are refused at synth, naming both and the fix', () => {
    const app = Testing.app();
    const { chart, web } = shop(app);
    secure(chart, web);
    new NamespaceIsolation(chart, 'baseline', { dns: OPENSHIFT_DNS });
    new NamespaceIsolation(chart, 'egress-only', { isolateIngress: false, policyName: 'egress-only' });
    expect(() => app.synth()).toThrow('the HTTP-01 solver pods of namespace shop resolve names through the DNS of their namespace, which shop/baseline and shop/egress-only state differently '
      + '(["pods dns.operator.openshift.io/daemonset-dns=default in namespace openshift-dns on UDP 5353, TCP 5353","pods k8s-app=kube-dns in namespace kube-system on UDP 53, TCP 53"]). '
      + 'Give both the same dns (the cluster\'s one DNS service).');
  });

  test('a NamespaceIsolation that isolates ingress only does not govern the solver\'s DNS', () => {
    const app = Testing.app();
    const { chart, web } = shop(app);
    secure(chart, web);
    new NamespaceIsolation(chart, 'baseline', { dns: OPENSHIFT_DNS, isolateEgress: false });
    expect(findObject(synthAll(app), 'NetworkPolicy', 'acme-http01-solver', 'shop').spec.egress).toBeUndefined();
  });
});

describe('under a ClusterIsolation guarding the solver\'s namespace', () => {
  function guarded(dns: ClusterDns, namespaceDns?: ClusterDns): App {
    const app = Testing.app();
    const { chart, web } = shop(app, dns);
    secure(chart, web);
    if (namespaceDns) new NamespaceIsolation(chart, 'baseline', { dns: namespaceDns });
    // ingress-nginx's namespace is guarded too: the guardrails write the controller as a platform component.
    new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', { dns, apiServerAddresses: ['10.0.0.1/32'] });
    return app;
  }

  test('the default kube-dns: the solver resolves through kube-dns on 53 only', () => {
    const objects = synthAll(guarded(ClusterDns.kubeDns()));
    const r = Reachability.fromManifests([...objects, ...PLATFORM_PODS]);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.udp(53))).toBe(true);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.tcp(5353))).toBe(false);
    expect(r.isAllowed(SOLVER, { ip: '8.8.8.8' }, Port.udp(53))).toBe(false);
    // The guarded controller (a platform component) reaches the solver, and only on its port.
    expect(r.isAllowed(at('ingress-nginx', 'controller'), SOLVER, Port.tcp(8089))).toBe(true);
    expect(r.isAllowed(at('ingress-nginx', 'controller'), SOLVER, Port.tcp(8080))).toBe(false);
  });

  test('a NamespaceIsolation agreeing with the guardrails governs', () => {
    const objects = synthAll(guarded(OPENSHIFT_DNS, OPENSHIFT_DNS));
    const r = Reachability.fromManifests([...objects, ...PLATFORM_PODS]);
    expect(r.isAllowed(SOLVER, at('openshift-dns', 'dns'), Port.udp(5353))).toBe(true);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.udp(53))).toBe(false);
  });

  // The ClusterIsolation records its `dns` in the model (ClusterBaseline.dns), which the solver reads.
  test('OpenShift DNS given only to the ClusterIsolation: the solver resolves through it on 5353, not kube-dns', () => {
    const objects = synthAll(guarded(OPENSHIFT_DNS));
    const r = Reachability.fromManifests([...objects, ...PLATFORM_PODS]);
    expect(r.isAllowed(SOLVER, at('openshift-dns', 'dns'), Port.udp(5353))).toBe(true);
    expect(r.isAllowed(SOLVER, at('kube-system', 'coredns'), Port.udp(53))).toBe(false);
  });

  test('a NamespaceIsolation whose DNS contradicts the guardrails\' is refused at synth, naming both', () => {
    expect(() => guarded(ClusterDns.nodeLocalCache(), OPENSHIFT_DNS).synth())
      .toThrow('the HTTP-01 solver pods of namespace shop resolve names through the DNS of their namespace, which shop/baseline and cluster/guardrails state differently');
  });
});
