import { acceptanceLine, listAcceptances } from '../../src/audit/acceptance-list';
import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION } from '../../src/audit/audit-suppression';

const object = (apiVersion: string, kind: string, name: string, annotations?: Record<string, string>, namespace = 'shop') =>
  ({ apiVersion, kind, metadata: { name, namespace, ...(annotations ? { annotations } : {}) } });

describe('listAcceptances', () => {
  test('lists each accepting object by API version, kind, namespace and name, with its rules, reason and source', () => {
    const objects = [
      object('serving.knative.dev/v1', 'Service', 'legacy', { [AUDIT_ACCEPT_ANNOTATION]: 'nodeport-service', [AUDIT_ACCEPT_REASON_ANNOTATION]: ' knative ' }),
      object('v1', 'Service', 'legacy'),
      { apiVersion: 'v1', kind: 'List', items: [object('v1', 'Namespace', 'shop', { [AUDIT_ACCEPT_ANNOTATION]: 'NETSEC001,NETSEC999' })] },
    ];
    const entries = listAcceptances(objects, o => (o.kind === 'Namespace' ? 'a.yaml' : undefined));
    expect(entries).toEqual([
      {
        object: 'serving.knative.dev/v1 Service shop/legacy',
        rules: ['NETSEC007 nodeport-service'],
        reason: 'knative',
        valid: true,
        source: 'annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object',
      },
      {
        object: 'v1 Namespace shop',
        rules: ['NETSEC001 namespace-without-default-deny-ingress', '"NETSEC999" (no such rule)'],
        valid: false,
        source: 'annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object in a.yaml',
      },
    ]);
    expect(acceptanceLine(entries[1])).toBe('v1 Namespace shop accepts NETSEC001 namespace-without-default-deny-ingress, "NETSEC999" (no such rule): '
      + 'no reason, so it suppresses nothing (NETSEC014) (annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object in a.yaml)');
  });
});
