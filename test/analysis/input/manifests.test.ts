import { Reachability } from '../../../src/analysis';
import { Port } from '../../../src/core/port';
import { namespace, pod, policy } from '../fixtures';

const at = (ns: string, name: string) => ({ namespace: ns, pod: name });
const tcp80 = Port.tcp(80);

describe('manifests', () => {
  const template = (labels: Record<string, string>, ports: any[] = []) => ({
    metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i', ports }] },
  });

  test('each workload with a pod template becomes one pod named after it, with the template labels and ports', () => {
    const r = Reachability.fromManifests([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'w' }, spec: { template: template({ app: 'web' }) } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'w' }, spec: { template: template({ app: 'db' }, [{ name: 'pg', containerPort: 5432 }]) } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'w' }, spec: { template: template({ app: 'agent' }) } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'w' }, spec: { template: template({ app: 'rs' }) } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job', namespace: 'w' }, spec: { template: template({ app: 'job' }) } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cron', namespace: 'w' }, spec: { jobTemplate: { spec: { template: template({ app: 'cron' }) } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'w' }, spec: { selector: { app: 'web' } } },
      policy('w', 'db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'cron'] }] } }], ports: [{ port: 'pg' }] }],
      }),
    ]);
    expect(r.pods).toEqual(['w/agent', 'w/cron', 'w/db', 'w/job', 'w/rs', 'w/web']);
    expect(r.isAllowed(at('w', 'web'), at('w', 'db'), Port.tcp(5432))).toBe(true);
    expect(r.isAllowed(at('w', 'cron'), at('w', 'db'), Port.named('pg'))).toBe(true);
    expect(r.isAllowed(at('w', 'job'), at('w', 'db'), Port.tcp(5432))).toBe(false);
    expect(r.objectsOfKind('Service').map(s => s.metadata.name)).toEqual(['web']);
  });

  test('List objects are flattened and NetworkPolicies of other API groups are not Kubernetes policies', () => {
    const calico = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'c', namespace: 'x' }, spec: { selector: 'all()' } };
    const r = Reachability.fromManifests([{ apiVersion: 'v1', kind: 'List', items: [pod('x', 'a'), pod('x', 'b'), calico] }]);
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(true);
    expect(r.objectsOfKind('NetworkPolicy')).toEqual([calico]);
  });

  test('two objects modelling the same pod are an error', () => {
    expect(() => Reachability.fromManifests([pod('x', 'a'),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'x' }, spec: { template: {} } }]))
      .toThrow('Deployment x/a: models the same pod as Pod x/a ("x/a"). Give each Pod, workload and tier a distinct name within its namespace.');
  });

  test('empty YAML documents are skipped', () => {
    expect(Reachability.fromManifests([null, pod('x', 'a'), undefined]).pods).toEqual(['x/a']);
  });

  test('something that is not an object is an error', () => {
    expect(() => Reachability.fromManifests([42])).toThrow('Reachability.fromManifests: got something that is not a Kubernetes object (42). Pass only objects with apiVersion, kind and metadata.');
    expect(() => Reachability.fromManifests([{ metadata: { name: 'no-kind' } }])).toThrow(/not a Kubernetes object/);
    expect(() => Reachability.fromManifests([pod('x', 'a'), { kind: 'Deployment', metadata: { name: 'd' }, spec: {} }]))
      .toThrow(/Deployment default\/d: has no pod template \(spec.template\)/);
  });

  test('typed lists (PodList, NamespaceList, ...) give their items the kind and apiVersion they omit, as kubectl returns them', () => {
    const r = Reachability.fromManifests([
      { apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'x', labels: { team: 'a' } } }] },
      { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'x', labels: { app: 'a' } }, spec: { containers: [] } }, pod('x', 'b')] },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [{ metadata: { name: 'deny', namespace: 'x' }, spec: { podSelector: { matchLabels: { app: 'a' } } } }] },
    ]);
    expect(r.pods).toEqual(['x/a', 'x/b']);
    expect(r.objectsOfKind('Namespace')[0].metadata.labels).toEqual({ team: 'a' });
    expect(r.isAllowed(at('x', 'b'), at('x', 'a'), tcp80)).toBe(false);
    expect(r.isAllowed(at('x', 'a'), at('x', 'b'), tcp80)).toBe(true);
  });

  test('what the API server would refuse twice is refused: two Namespaces, or two objects of one kind, namespace and name', () => {
    expect(() => Reachability.fromManifests([namespace('x', { a: '1' }), namespace('x', { b: '2' })], { sourceNames: ['ns.yaml, document 1', 'more.yaml, document 3'] }))
      .toThrow('more.yaml, document 3: Namespace x: is defined twice (first at ns.yaml, document 1); the API server keeps one object per kind, namespace and name ("x"). Remove one of the two, or merge their labels and rules into one object.');
    const svc = (ns?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', ...(ns ? { namespace: ns } : {}) } });
    expect(() => Reachability.fromManifests([svc('default'), svc()])).toThrow(/^Service default\/s: is defined twice/);
    // Without apiVersion, a Namespace is still a Namespace of the core group.
    expect(() => Reachability.fromManifests([namespace('y'), { kind: 'Namespace', metadata: { name: 'y', labels: { extra: 'label' } } }]))
      .toThrow(/^Namespace y: is defined twice/);
    // Same name in another namespace, or another kind, is fine.
    expect(Reachability.fromManifests([svc('a'), svc('b'), pod('a', 's')]).pods).toEqual(['a/s']);
  });

  test('every problem is reported in one error, one line each with where it comes from; failFast stops at the first', () => {
    const objects = [
      namespace('x'), namespace('x'),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' }, spec: {} },
      pod('x', 'fine'),
      { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'x', labels: { v: 2 } } }] },
    ];
    const origins = ['a.yaml, document 1', 'a.yaml, document 2', 'b.json, document 1', 'c.yaml, document 1', 'pods.json, document 1'];
    expect(() => Reachability.fromManifests(objects, { sourceNames: origins })).toThrow([
      'Reachability.fromManifests: found 3 problems in the input; every other object was read (3). Fix each of them:',
      '- a.yaml, document 2: Namespace x: is defined twice (first at a.yaml, document 1); the API server keeps one object per kind, namespace and name ("x"). Remove one of the two, or merge their labels and rules into one object.',
      '- b.json, document 1: Deployment x/d: has no pod template (spec.template) (undefined). Give the workload a pod template with labels and containers.',
      '- pods.json, document 1 items[0]: Pod x/p: metadata.labels["v"] is not a string (2). Quote label values in YAML, e.g. version: "2".',
    ].join('\n'));
    expect(() => Reachability.fromManifests(objects, { sourceNames: origins, failFast: true }))
      .toThrow(/^a\.yaml, document 2: Namespace x: is defined twice/);
  });

  test('bad policies of every kind are reported together with the others, each with its file', () => {
    const objects = [
      policy('x', 'fine', { podSelector: {} }),
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bad', namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Sideways'] } },
      { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'cnp' }, spec: { tier: 'Top', priority: 1, subject: { namespaces: {} } } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'x' }, spec: { ingress: [] } },
    ];
    let message = '';
    try {
      Reachability.fromManifests(objects, { sourceNames: ['a.yaml, document 1', 'a.yaml, document 2', 'b.yaml, document 1', 'c.json, document 1'] });
    } catch (error: any) {
      message = error.message;
    }
    expect(message.split('\n')).toEqual([
      'Reachability.fromManifests: found 3 problems in the input; every other object was read (3). Fix each of them:',
      '- a.yaml, document 2: NetworkPolicy x/bad: spec.policyTypes has an unknown type ("Sideways"). Use "Ingress" and/or "Egress" (case-sensitive).',
      '- b.yaml, document 1: ClusterNetworkPolicy cnp: spec.tier is not Admin or Baseline ("Top"). Set tier: Admin (before NetworkPolicy) or Baseline (after it).',
      '- c.json, document 1: CiliumNetworkPolicy x/c: spec.endpointSelector is missing ({"ingress":[]}). Select the pods the rule applies to, e.g. endpointSelector: { matchLabels: { app: web } }, or {} for all.',
    ]);
  });

  test('a container port without containerPort is left out and reported; an invalid number is still an error', () => {
    const r = Reachability.fromManifests([{ ...pod('x', 'a'), spec: { containers: [{ name: 'c', ports: [{ name: 'udps', containerport: 3535 }] }] } }]);
    expect(r.notAnalysed).toEqual(['Pod x/a: containers[0].ports[0] has no containerPort (fields: name, containerport); the port is left out']);
    expect(() => Reachability.fromManifests([{ ...pod('x', 'a'), spec: { containers: [{ name: 'c', ports: [{ containerPort: 0 }] }] } }]))
      .toThrow('Pod x/a: containers[0].ports[0].containerPort is not a port number (0). Use an integer from 1 to 65535.');
  });
});

