import { Service } from 'kubernetes-models/v1';
import * as YAML from 'yaml';
import { AuditSeverity, Reachability } from '../../src';
import { failingFindings } from '../../src/audit/audit';
import { AUDIT_ACCEPT_ANNOTATION, AUDIT_ACCEPT_REASON_ANNOTATION, readAcceptance } from '../../src/audit/audit-suppression';
import { failing, findingJson } from '../../src/cli/report';
import { ManifestFiles } from '../../src/validation/manifest-files';
import { findingsToViolations, summarize } from '../../src/validation/violations';
import { namespace, pod, policy } from '../analysis/fixtures';
import { cli } from '../cli/run-cli';
import { validateAll } from '../util';

/*
 * Per-object suppression: the accept annotations keep a finding visible, marked suppressed with its
 * reason, and take it out of every threshold; a bad acceptance is itself a finding (NETSEC014).
 */

const DENY_ALL = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };

function nodePort(name: string, annotations?: Record<string, string>): any {
  const object = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
  };
  new Service(object as any).validate();
  return object;
}

const accept = (rules: string, reason?: string) => ({
  [AUDIT_ACCEPT_ANNOTATION]: rules,
  ...(reason === undefined ? {} : { [AUDIT_ACCEPT_REASON_ANNOTATION]: reason }),
});

function manifests(...services: any[]): any[] {
  return validateAll([namespace('shop'), policy('shop', 'deny', DENY_ALL), ...services]);
}

describe('annotations on any object', () => {
  test('the annotation names are the documented ones', () => {
    expect(AUDIT_ACCEPT_ANNOTATION).toBe('netsec.cdk8s.io/audit-accept');
    expect(AUDIT_ACCEPT_REASON_ANNOTATION).toBe('netsec.cdk8s.io/audit-accept-reason');
  });

  test('an accepted finding stays, marked suppressed with the reason; the other objects are unaffected', () => {
    const findings = Reachability.fromManifests(manifests(
      nodePort('legacy', accept('NETSEC007', 'on-prem load balancer targets node ports until Q3')),
      nodePort('other'),
    )).audit().filter(f => f.ruleId === 'NETSEC007');
    expect(findings.map(f => [f.resource, f.suppressed, f.suppressionReason])).toEqual([
      ['Service shop/legacy', true, 'on-prem load balancer targets node ports until Q3'],
      ['Service shop/other', undefined, undefined],
    ]);
  });

  test('rules may be named by name, several at once, separated by commas or blanks', () => {
    expect(readAcceptance({ metadata: { annotations: accept('nodeport-service, NETSEC004 NETSEC013', 'x') } })?.ruleIds)
      .toEqual(['NETSEC004', 'NETSEC007', 'NETSEC013']);
    const findings = Reachability.fromManifests(manifests(nodePort('legacy', accept('nodeport-service', 'why')))).audit();
    expect(findings.find(f => f.ruleId === 'NETSEC007')?.suppressed).toBe(true);
  });

  test('an acceptance of another rule suppresses nothing here', () => {
    const findings = Reachability.fromManifests(manifests(nodePort('legacy', accept('NETSEC006', 'why')))).audit();
    expect(findings.find(f => f.ruleId === 'NETSEC007')?.suppressed).toBeUndefined();
  });

  test('an annotation on an object of the same name in another namespace or kind does not apply', () => {
    const elsewhere = { ...nodePort('legacy'), metadata: { name: 'legacy', namespace: 'other', annotations: accept('NETSEC007', 'why') } };
    const deployment = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: 'shop', annotations: accept('NETSEC007', 'why') } };
    const findings = Reachability.fromManifests([...manifests(nodePort('legacy')), elsewhere, deployment]).audit()
      .filter(f => f.ruleId === 'NETSEC007' && f.namespace === 'shop');
    expect(findings.map(f => f.suppressed)).toEqual([undefined]);
  });

  test('suppressed findings never fail a threshold, the others still do', () => {
    const findings = Reachability.fromManifests(manifests(nodePort('legacy', accept('NETSEC007', 'why')))).audit();
    expect(failingFindings(findings, AuditSeverity.LOW).map(f => f.ruleId)).not.toContain('NETSEC007');
    expect(failing(findings, AuditSeverity.LOW).some(f => f.suppressed)).toBe(false);
    const open = Reachability.fromManifests(manifests(nodePort('legacy'))).audit();
    expect(failingFindings(open, AuditSeverity.MEDIUM).map(f => f.ruleId)).toContain('NETSEC007');
  });
});

describe('NETSEC014 invalid-audit-acceptance', () => {
  function acceptanceFindings(annotations: Record<string, string>) {
    const all = Reachability.fromManifests(manifests(nodePort('legacy', annotations))).audit();
    return {
      invalid: all.filter(f => f.ruleId === 'NETSEC014').map(f => [f.resource, f.message, f.fix]),
      nodePort: all.find(f => f.ruleId === 'NETSEC007')!,
    };
  }

  test('an acceptance without a reason is reported and suppresses nothing', () => {
    for (const reason of [undefined, '', '   ']) {
      const { invalid, nodePort: finding } = acceptanceFindings(accept('NETSEC007', reason));
      expect(invalid).toEqual([['Service shop/legacy',
        'annotation netsec.cdk8s.io/audit-accept "NETSEC007" has no netsec.cdk8s.io/audit-accept-reason, so it suppresses nothing',
        'Say why the findings are accepted in the annotation netsec.cdk8s.io/audit-accept-reason (AuditAcceptance.accept(scope, rules, reason) writes both).']]);
      expect(finding.suppressed).toBeUndefined();
    }
  });

  test('an unknown rule is reported; the known ones still apply', () => {
    const { invalid, nodePort: finding } = acceptanceFindings(accept('NETSEC007,NETSEC404,nodeport', 'why'));
    expect(invalid).toEqual([['Service shop/legacy', 'annotation netsec.cdk8s.io/audit-accept names no audit rule for "NETSEC404", "nodeport"',
      'Name rules by identifier or name from AuditRules.all() (e.g. "NETSEC007,NETSEC004"); remove the entries that name none.']]);
    expect(finding.suppressed).toBe(true);
  });

  test('an empty list, and a reason without a list, are reported', () => {
    expect(acceptanceFindings(accept(' , ', 'why')).invalid.map(f => f[1])).toEqual(['annotation netsec.cdk8s.io/audit-accept is empty']);
    expect(acceptanceFindings({ [AUDIT_ACCEPT_REASON_ANNOTATION]: 'why' }).invalid.map(f => f[1]))
      .toEqual(['annotation netsec.cdk8s.io/audit-accept-reason is set but netsec.cdk8s.io/audit-accept names no rules, so it accepts nothing']);
  });

  test('an object cannot accept NETSEC014 for itself, and cluster-scoped objects are named without a namespace', () => {
    const ns = { ...namespace('shop'), metadata: { name: 'shop', annotations: accept('NETSEC014,NETSEC404', 'because') } };
    const findings = Reachability.fromManifests([ns, policy('shop', 'deny', DENY_ALL)]).audit().filter(f => f.ruleId === 'NETSEC014');
    expect(findings.map(f => [f.resource, f.suppressed])).toEqual([['Namespace shop', undefined]]);
  });

  test('a valid acceptance is no finding', () => {
    expect(acceptanceFindings(accept('NETSEC007', 'why')).invalid).toEqual([]);
  });
});

describe('suppressed findings in every output', () => {
  const yaml = manifests(nodePort('legacy', accept('NETSEC007', 'node port for the on-prem balancer')),
    pod('shop', 'legacy', { labels: { app: 'legacy' }, ports: [[undefined, 8080]] }))
    .map(o => YAML.stringify(o)).join('---\n');

  test('CLI text and JSON show them with the reason; they do not fail --fail-on low', () => {
    const text = cli(['analyze', '--fail-on', 'medium', '-'], { stdin: yaml });
    expect(text.stdout).toContain('MEDIUM NETSEC007 nodeport-service: Service shop/legacy (suppressed)\n');
    expect(text.stdout).toContain('    Accepted: node port for the on-prem balancer\n');
    expect(text.stdout).toContain('Acceptances (1; findings accepted on purpose, never failing):\n'
      + '  v1 Service shop/legacy accepts NETSEC007 nodeport-service: "node port for the on-prem balancer" '
      + '(annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object in -, document 3)\n');
    expect(text.status).toBe(0);
    const json = JSON.parse(cli(['analyze', '--json', '--fail-on', 'low', '-'], { stdin: yaml }).stdout);
    const finding = json.findings.find((f: any) => f.ruleId === 'NETSEC007');
    expect(finding).toMatchObject({ resource: 'Service shop/legacy', suppressed: true, suppressionReason: 'node port for the on-prem balancer' });
    expect(json.summary.failing).toBe(json.findings.filter((f: any) => !f.suppressed).length);
    expect(json.acceptances).toEqual([expect.objectContaining({
      object: 'v1 Service shop/legacy',
      rules: ['NETSEC007 nodeport-service'],
      reason: 'node port for the on-prem balancer',
      valid: true,
    })]);
    expect(findingJson({ ...finding, suppressed: undefined })).not.toHaveProperty('suppressed');
  });

  test('the validation plugin lists them as a violation of their own that never fails', () => {
    const findings = Reachability.fromManifests(YAML.parseAllDocuments(yaml).map(d => d.toJSON())).audit();
    const files = { holds: () => true, fileOf: () => 'dist/shop.k8s.yaml' } as unknown as ManifestFiles;
    const violations = findingsToViolations(findings, files, AuditSeverity.LOW);
    const suppressed = violations.find(v => v.ruleName === 'NETSEC007 nodeport-service (suppressed)')!;
    expect(suppressed.recommendation).toMatch(/^\[medium, suppressed: accepted on the object with a reason, never fails synthesis\]/);
    expect(suppressed.violatingResources[0].locations[0]).toMatch(/\(suppressed: node port for the on-prem balancer\)$/);
    expect(summarize(findings, AuditSeverity.LOW, [])).toMatchObject({ Suppressed: '1 (accepted on their objects, never fail)' });
  });
});
