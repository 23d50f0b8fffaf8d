import { App } from 'cdk8s';
import { buildThreeTier } from '../../../examples/three-tier/main';
import { Port, Reachability } from '../../../src';
import { namespace, pod, policy } from '../fixtures';

/*
 * inferPods: synthesized YAML of tiers holds policies but no workloads; the analyzer gives each
 * podSelector that selects nothing one representative pod, so flows can be judged from the YAML alone.
 */

describe('inferPods', () => {
  test('the three-tier example YAML alone: the same flows as the model built from constructs', () => {
    const app = new App();
    buildThreeTier(app);
    const yaml = app.charts.flatMap(c => c.toJson());
    expect(Reachability.fromManifests(yaml).pods).toEqual([]);
    const inferred = Reachability.fromManifests(yaml, { inferPods: true });
    const fromConstructs = Reachability.fromApp(app);
    const strip = (r: Reachability) => r.flows().map(f => `${f.source} -> ${f.destination}: ${f.description}`);
    expect(strip(inferred)).toEqual(strip(fromConstructs));
    expect(inferred.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090))).toBe(true);
    expect(inferred.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432))).toBe(false);
  });

  test('labels satisfy matchExpressions; selectors that select a modelled pod, empty selectors and contradictions get none', () => {
    const objects = [
      namespace('x'),
      pod('x', 'real', { labels: { app: 'real' } }),
      policy('x', 'covered', { podSelector: { matchLabels: { app: 'real' } } }),
      policy('x', 'all', { podSelector: {} }),
      policy('x', 'expr', {
        podSelector: {
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'tier', operator: 'NotIn', values: ['a'] },
            { key: 'team', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' },
          ],
        },
      }),
      policy('x', 'expr-again', {
        podSelector: {
          matchExpressions: [
            { key: 'team', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['a', 'b'] },
            { key: 'tier', operator: 'NotIn', values: ['a'] }, { key: 'legacy', operator: 'DoesNotExist' },
          ],
        },
      }),
      policy('x', 'impossible', { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }, { key: 'a', operator: 'DoesNotExist' }] } }),
      policy('x', 'real', { podSelector: { matchLabels: { app: 'other' } } }),
    ];
    const r = Reachability.fromManifests(objects, { inferPods: true });
    expect(r.pods).toEqual(['x/expr', 'x/real', 'x/real-2']);
    const findings = r.audit({ ignore: ['NETSEC001', 'NETSEC002'] });
    expect(findings.filter(f => f.name === 'real' && f.kind === 'NetworkPolicy').map(f => f.resource)).toEqual(['NetworkPolicy x/real']);
  });

  test('an inferred pod is named after the policy in audit findings', () => {
    const egressOnly = policy('x', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{}] });
    const findings = Reachability.fromManifests([egressOnly], { inferPods: true }).audit();
    expect(findings.filter(f => f.ruleId === 'NETSEC005').map(f => [f.resource, f.kind])).toEqual([['NetworkPolicy x/web', 'NetworkPolicy']]);
  });
});
