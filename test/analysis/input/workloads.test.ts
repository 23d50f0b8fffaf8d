import { Reachability } from '../../../src/analysis';
import { pod } from '../fixtures';

describe('workloads', () => {
  test('pods are grouped into workloads by their controller owner; a Node-owned static pod stands for itself', () => {
    const owned = (name: string, owner?: any) => ({ ...pod('x', name), metadata: { ...pod('x', name).metadata, ...(owner ? { ownerReferences: [owner] } : {}) } });
    const r = Reachability.fromManifests([
      owned('web-1', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9', controller: true }),
      owned('web-2', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9', controller: true }),
      owned('etcd-node1', { apiVersion: 'v1', kind: 'Node', name: 'node1', controller: true }),
      owned('lone'),
    ]);
    expect(r.flows({ byWorkload: true }).map(f => `${f.source} -> ${f.destination}`)).toEqual([
      'x/etcd-node1[Pod] -> x/lone[Pod]', 'x/etcd-node1[Pod] -> x/web-7d9[ReplicaSet]',
      'x/lone[Pod] -> x/etcd-node1[Pod]', 'x/lone[Pod] -> x/web-7d9[ReplicaSet]',
      'x/web-7d9[ReplicaSet] -> x/etcd-node1[Pod]', 'x/web-7d9[ReplicaSet] -> x/lone[Pod]',
    ]);
  });

  test('a dump with Pods and their controllers models each workload once, named after the top controller given', () => {
    const podTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x' }, spec: { template: podTemplate } };
    const replicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-5d8',
        namespace: 'x',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true }],
      },
      spec: { template: podTemplate },
    };
    const owned = (name: string) => ({
      ...pod('x', name, { labels: { app: 'web' } }),
      metadata: { name, namespace: 'x', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8', controller: true }] },
    });
    const full = Reachability.fromManifests([deployment, replicaSet, owned('web-5d8-a'), owned('web-5d8-b'), pod('x', 'client')]);
    expect(full.pods).toEqual(['x/client', 'x/web-5d8-a', 'x/web-5d8-b']);
    expect(full.flows({ byWorkload: true }).map(f => `${f.source} -> ${f.destination}`)).toEqual(['x/client[Pod] -> x/web[Deployment]', 'x/web[Deployment] -> x/client[Pod]']);
    // Only the workload objects: the Deployment stands for its ReplicaSet.
    expect(Reachability.fromManifests([deployment, replicaSet]).pods).toEqual(['x/web']);
    // Only Pods: named after the ReplicaSet that owns them.
    expect(Reachability.fromManifests([owned('web-5d8-a')]).flows({ byWorkload: true, includeExternal: true }).map(f => f.source)).toContain('x/web-5d8[ReplicaSet]');
  });
});
