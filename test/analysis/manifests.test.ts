import { pod, policy } from './fixtures';
import { Reachability } from '../../src/analysis';
import { Port } from '../../src/port';

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
});
