import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { AuditAcceptance, IsolatedTier, NamespaceIsolation, NetsecAudit, Peer, Port, Reachability } from '../../src';
import { synthValid } from '../util';

/*
 * AuditAcceptance: the construct-side way to accept findings with a reason. It writes the accept
 * annotations on every object under the construct, so the YAML carries the decision to the plugin and
 * the CLI, and NetsecAudit no longer fails on those findings.
 */

function app(): { chart: Chart; api: IsolatedTier } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  api.expose();
  api.allowTo(Peer.anyIpv4(), Port.tcp(443));
  return { chart, api };
}

const annotationsOf = (objects: any[], kind: string, name: string) =>
  objects.find(o => o.kind === kind && o.metadata.name === name)?.metadata.annotations;

describe('AuditAcceptance.accept', () => {
  test('annotates every object under the construct, also those added after the call', () => {
    const { chart, api } = app();
    AuditAcceptance.accept(api, ['egress-to-any-address'], 'payment provider publishes no address ranges');
    new ApiObject(api, 'late', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'late' } });
    const objects = synthValid(chart);
    const expected = { 'netsec.cdk8s.io/audit-accept': 'NETSEC004', 'netsec.cdk8s.io/audit-accept-reason': 'payment provider publishes no address ranges' };
    expect(annotationsOf(objects, 'NetworkPolicy', 'api')).toEqual(expected);
    expect(annotationsOf(objects, 'ServiceAccount', 'late')).toEqual(expected);
    expect(annotationsOf(objects, 'NetworkPolicy', 'baseline')).toBeUndefined();
  });

  test('the finding stays visible, suppressed, in the audit and NetsecAudit passes at the default failOn', () => {
    const { chart, api } = app();
    new NetsecAudit(chart, 'audit');
    expect(() => Testing.synth(chart)).toThrow(/NETSEC004/);
    AuditAcceptance.accept(api, ['NETSEC004'], 'payment provider publishes no address ranges');
    expect(() => Testing.synth(chart)).not.toThrow();
    const finding = Reachability.fromChart(chart).audit().find(f => f.ruleId === 'NETSEC004')!;
    expect(finding).toMatchObject({ resource: 'NetworkPolicy shop/api', suppressed: true, suppressionReason: 'payment provider publishes no address ranges' });
  });

  test('findings about a tier itself (no object of its own) are suppressed through its construct path', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new NamespaceIsolation(chart, 'baseline');
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    db.allowFrom(Peer.ipBlock('10.20.0.0/16'), Port.tcp(5432));
    const before = Reachability.fromChart(chart).audit().filter(f => f.ruleId === 'NETSEC013');
    expect(before.map(f => [f.kind, f.name, f.suppressed])).toEqual([['IsolatedTier', 'db', undefined]]);
    AuditAcceptance.accept(db, ['NETSEC013'], 'the Service comes from the Helm chart');
    const after = Reachability.fromChart(chart).audit().filter(f => f.ruleId === 'NETSEC013');
    expect(after.map(f => [f.kind, f.name, f.suppressed, f.suppressionReason])).toEqual([['IsolatedTier', 'db', true, 'the Service comes from the Helm chart']]);
  });

  test('nested and repeated calls add up; different reasons are kept per rule', () => {
    const { chart, api } = app();
    AuditAcceptance.accept(chart, ['NETSEC013'], 'Services are managed by the platform');
    AuditAcceptance.accept(api, ['NETSEC004', 'NETSEC004'], 'payment provider');
    AuditAcceptance.accept(api, ['NETSEC004'], 'payment provider');
    const objects = synthValid(chart);
    expect(annotationsOf(objects, 'NetworkPolicy', 'api')).toEqual({
      'netsec.cdk8s.io/audit-accept': 'NETSEC004,NETSEC013',
      'netsec.cdk8s.io/audit-accept-reason': 'NETSEC004: payment provider; NETSEC013: Services are managed by the platform',
    });
    expect(annotationsOf(objects, 'NetworkPolicy', 'baseline')).toEqual({
      'netsec.cdk8s.io/audit-accept': 'NETSEC013', 'netsec.cdk8s.io/audit-accept-reason': 'Services are managed by the platform',
    });
    // Synthesizing again writes the same annotations (idempotent).
    expect(synthValid(chart)).toEqual(objects);
  });

  test('annotations written by hand on an object are kept and merged', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new ApiObject(chart, 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cm',
        annotations: { 'netsec.cdk8s.io/audit-accept': 'NETSEC007', 'netsec.cdk8s.io/audit-accept-reason': 'by hand' },
      },
    });
    AuditAcceptance.accept(chart, ['NETSEC013'], 'platform');
    expect(annotationsOf(Testing.synth(chart), 'ConfigMap', 'cm')).toEqual({
      'netsec.cdk8s.io/audit-accept': 'NETSEC007,NETSEC013', 'netsec.cdk8s.io/audit-accept-reason': 'NETSEC007: by hand; NETSEC013: platform',
    });
  });

  test('the acceptance is rendered, not written: stored metadata stays as given, one object renders it without a synthesis', () => {
    const { chart, api } = app();
    AuditAcceptance.accept(api, ['NETSEC004'], 'payment provider');
    const late = new ApiObject(api, 'late', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'late', annotations: { team: 'payments' } } });
    // No validation has run: toJson() alone renders the acceptance, next to what was written by hand.
    expect(late.toJson().metadata.annotations).toEqual({
      'team': 'payments', 'netsec.cdk8s.io/audit-accept': 'NETSEC004', 'netsec.cdk8s.io/audit-accept-reason': 'payment provider',
    });
    Testing.synth(chart);
    // Validation and synthesis wrote nothing on the object itself.
    expect(late.metadata.toJson().annotations).toEqual({ team: 'payments' });
    expect((chart.node.findChild('baseline') as NamespaceIsolation).policy.toJson().metadata.annotations).toBeUndefined();
  });

  test('the annotation names are public', () => {
    expect(AuditAcceptance.RULES_ANNOTATION).toBe('netsec.cdk8s.io/audit-accept');
    expect(AuditAcceptance.REASON_ANNOTATION).toBe('netsec.cdk8s.io/audit-accept-reason');
  });
});

describe('bad input: every refusal names the path, the value and the fix, and leaves the tree as it was', () => {
  const cases: [string, (scope: Construct) => void, string][] = [
    ['no rules', s => AuditAcceptance.accept(s, [], 'why'),
      'shop/api: accepts no audit rule ([]). Name at least one rule by identifier or name from AuditRules.all(), e.g. ["NETSEC007"].'],
    ['rules not a list', s => AuditAcceptance.accept(s, 'NETSEC004' as any, 'why'),
      'shop/api: accepts no audit rule ("NETSEC004"). Name at least one rule by identifier or name from AuditRules.all(), e.g. ["NETSEC007"].'],
    ['unknown rule', s => AuditAcceptance.accept(s, ['NETSEC004', 'NETSEC404'], 'why'),
      'shop/api: ruleIds names no audit rule ("NETSEC404"). Name rules by identifier or name from AuditRules.all():'],
    ['a number as a rule', s => AuditAcceptance.accept(s, [4 as any], 'why'), 'shop/api: ruleIds names no audit rule (4).'],
    ['NETSEC014 itself', s => AuditAcceptance.accept(s, ['invalid-audit-acceptance'], 'why'),
      'shop/api: cannot accept NETSEC014, the rule that checks acceptances themselves (["invalid-audit-acceptance"]). Fix the acceptance annotations it reports instead.'],
    ['empty reason', s => AuditAcceptance.accept(s, ['NETSEC004'], '  '),
      'shop/api: accepts audit findings without a reason ("  "). Say why the findings are acceptable (who decided, until when); the reason is shown next to every suppressed finding.'],
    ['missing reason', s => AuditAcceptance.accept(s, ['NETSEC004'], undefined as any), 'shop/api: accepts audit findings without a reason (undefined).'],
    ['not a construct', () => AuditAcceptance.accept({} as any, ['NETSEC004'], 'why'),
      'AuditAcceptance.accept: scope is not a construct ("object"). Pass the chart or construct whose objects accept the findings.'],
  ];

  test.each(cases)('%s', (_name, call, message) => {
    const { chart, api } = app();
    const children = api.node.children.length;
    expect(() => call(api)).toThrow(message);
    expect(api.node.children.length).toBe(children);
    // Nothing was recorded: the synthesized policy carries no acceptance, and a corrected call works.
    expect(annotationsOf(Testing.synth(chart), 'NetworkPolicy', 'api')).toBeUndefined();
    AuditAcceptance.accept(api, ['NETSEC004'], 'corrected');
    expect(annotationsOf(Testing.synth(chart), 'NetworkPolicy', 'api')).toEqual({
      'netsec.cdk8s.io/audit-accept': 'NETSEC004', 'netsec.cdk8s.io/audit-accept-reason': 'corrected',
    });
  });
});
