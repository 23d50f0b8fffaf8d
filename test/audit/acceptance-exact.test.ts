import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { AuditAcceptance, AuditSeverity, IsolatedTier, NamespaceIsolation, NetsecAudit, Peer, Port, Reachability } from '../../src';
import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION } from '../../src/audit/audit-suppression';
import { namespace, pod, policy } from '../analysis/fixtures';

/*
 * Issue 22 item 3: an acceptance applies to exactly the object that carries it (API group and version,
 * kind, namespace, name), only below the AuditAcceptance's scope, and a reasonless one stays invalid.
 */

const accept = (rules: string, reason?: string) => ({
  [AUDIT_ACCEPT_ANNOTATION]: rules,
  ...(reason === undefined ? {} : { [AUDIT_ACCEPT_REASON_ANNOTATION]: reason }),
});

const nodePort = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'legacy', namespace: 'shop' },
  spec: { type: 'NodePort', selector: { app: 'legacy' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
};
const knative = (annotations: Record<string, string>) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'legacy', namespace: 'shop', annotations },
  spec: { template: { spec: { containers: [{ image: 'x' }] } } },
});
const openEgress = policy('shop', 'out', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
const calico = (annotations: Record<string, string>) => ({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'out', namespace: 'shop', annotations },
  spec: { selector: 'all()', types: ['Egress'] },
});

const ruleFindings = (objects: any[], ruleId: string) =>
  Reachability.fromManifests(objects).audit().filter(f => f.ruleId === ruleId).map(f => [f.resource, f.suppressed ?? false]);

describe('an acceptance names its object by API group and version, kind, namespace and name', () => {
  test('a Knative Service of the same name does not accept a finding on the Kubernetes Service', () => {
    const objects = [namespace('shop'), nodePort, knative(accept('NETSEC007', 'knative handles it'))];
    expect(ruleFindings(objects, 'NETSEC007')).toEqual([['Service shop/legacy', false]]);
  });

  test('a Calico NetworkPolicy of the same name does not accept a finding on the Kubernetes NetworkPolicy', () => {
    const objects = [namespace('shop'), openEgress, calico(accept('NETSEC004', 'calico'))];
    expect(ruleFindings(objects, 'NETSEC004')).toEqual([['NetworkPolicy shop/out', false]]);
  });

  test('the same annotation on the Kubernetes object itself does accept it', () => {
    const own = { ...openEgress, metadata: { ...openEgress.metadata, annotations: accept('NETSEC004', 'egress proxy') } };
    expect(ruleFindings([namespace('shop'), own, calico({})], 'NETSEC004')).toEqual([['NetworkPolicy shop/out', true]]);
  });

  test('a Calico policy under an accepted construct does not accept the Kubernetes policy of the same name elsewhere', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    api.allowTo(Peer.anyIpv4(), Port.tcp(443));
    const vendor = new Construct(chart, 'vendor');
    new ApiObject(vendor, 'calico', { ...calico({}), metadata: { name: 'api' } });
    AuditAcceptance.accept(vendor, ['NETSEC004'], 'the vendor chart is reviewed elsewhere');
    const findings = Reachability.fromChart(chart).audit().filter(f => f.ruleId === 'NETSEC004');
    expect(findings.map(f => [f.resource, f.suppressed ?? false])).toEqual([['NetworkPolicy shop/api', false]]);
  });
});

describe('a reasonless acceptance stays invalid', () => {
  function chartWithHandWrittenAcceptance(reason?: string): Chart {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new ApiObject(chart, 'web', { ...pod('shop', 'web', { labels: { app: 'web' } }), metadata: { name: 'web', annotations: accept('NETSEC005', reason) } });
    return chart;
  }

  test.each([['without', undefined], ['with a blank', ' '], ['with an empty', '']])(
    'one %s reason, whatever AuditAcceptance.accept merges into the object later', (_name, reason) => {
      const chart = chartWithHandWrittenAcceptance(reason);
      AuditAcceptance.accept(chart, ['NETSEC007'], 'node ports are reviewed by the platform team');
      const findings = Reachability.fromChart(chart).audit();
      expect(findings.filter(f => f.ruleId === 'NETSEC005').map(f => [f.resource, f.suppressed ?? false])).toEqual([['Pod shop/web', false]]);
      expect(findings.filter(f => f.ruleId === 'NETSEC014').map(f => f.resource)).toEqual(['Pod shop/web']);
      new NetsecAudit(chart, 'audit', { failOn: AuditSeverity.CRITICAL });
      expect(() => Testing.synth(chart)).toThrow(/NETSEC005/);
    });

  test('even when the later acceptance names the same rule elsewhere in the tree', () => {
    const chart = chartWithHandWrittenAcceptance();
    const other = new Chart(chart, 'other');
    new ApiObject(other, 'svc', { ...nodePort, metadata: { name: 'x' } });
    AuditAcceptance.accept(other, ['NETSEC005'], 'only the other objects');
    const findings = Reachability.fromChart(chart).audit();
    expect(findings.filter(f => f.ruleId === 'NETSEC005').map(f => [f.resource, f.suppressed ?? false])).toEqual([['Pod shop/web', false]]);
  });
});
