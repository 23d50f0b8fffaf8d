import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { AuditAcceptance, AuditSeverity, IsolatedTier, NamespaceIsolation, NetsecAudit, Peer, Port, Reachability } from '../../src';
import { pathsNamedTwice } from '../construct-paths';

/** A clean two-tier namespace; `widen` adds egress to every IPv4 address (NETSEC004, high). */
function build(widen: boolean, props: ConstructorParameters<typeof NetsecAudit>[2] = {}): App {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new NamespaceIsolation(chart, 'baseline');
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
  web.expose();
  api.expose();
  api.allowFrom(web, Port.tcp(9090));
  if (widen) api.allowTo(Peer.anyIpv4(), Port.tcp(443));
  new NetsecAudit(chart, 'audit', props);
  return app;
}

describe('NetsecAudit: the audit as construct validation', () => {
  test('a clean app synthesizes', () => {
    expect(() => build(false).synth()).not.toThrow();
  });

  test('a finding at or above failOn fails app.synth(), naming the rule, resource, construct and fix', () => {
    expect(() => build(true).synth()).toThrow(
      '[shop/audit] NETSEC004 egress-to-any-address [high] NetworkPolicy shop/api (construct shop/api): '
      + 'spec.egress[0].to[0] allows 0.0.0.0/0 except 100.100.100.200/32, 168.63.129.16/32, 169.254.169.254/32: every IPv4 address outside the excepted ranges, on TCP 443.');
    expect(() => build(true).synth()).toThrow(/Fix: Narrow the ipBlock .* To accept it on purpose, call AuditAcceptance.accept\(<that construct>, \[.NETSEC004.\], .<why>.\), or add "NETSEC004" to this audit's ignore list \(ignore: \["NETSEC004"\]\) to ignore the rule everywhere\./);
    // The audit's path is the one cdk8s prints, the construct's the one the finding names: each once.
    let message = '';
    try {
      build(true).synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Validation failed/);
    // The tier is its own NetworkPolicy, and chart `shop` is namespace `shop`: the resource (namespace/name)
    // reads like the construct path, so it is set aside before the construct paths are counted.
    expect(message).toContain('NetworkPolicy shop/api (construct shop/api)');
    expect(pathsNamedTwice(message.replace('NetworkPolicy shop/api (', 'NetworkPolicy <resource> ('), ['shop/audit', 'shop/api'])).toEqual([]);
  });

  test('ignore and a higher failOn let it pass; findings() lists what would fail', () => {
    expect(() => build(true, { ignore: ['egress-to-any-address'] }).synth()).not.toThrow();
    expect(() => build(true, { failOn: AuditSeverity.CRITICAL }).synth()).not.toThrow();
    const app = build(true, { failOn: AuditSeverity.LOW });
    const audit = app.node.findAll().find(c => c instanceof NetsecAudit) as NetsecAudit;
    expect(audit.findings().map(f => f.ruleId)).toEqual(['NETSEC004']);
  });

  test('bad props are errors at construction', () => {
    expect(() => build(false, { ignore: ['NETSEC404'] })).toThrow(/ignore names no audit rule \("NETSEC404"\)/);
    expect(() => build(false, { failOn: 'urgent' as AuditSeverity }))
      .toThrow('shop/audit: failOn is not a severity ("urgent"). Use one of low, medium, high, critical (AuditSeverity).');
  });

  test('one audit per synthesis of an app of 10 charts, though cdk8s validates the app again for every chart', () => {
    const app = build(false);
    for (let i = 1; i < 10; i++) {
      const chart = new Chart(app, `team-${i}`, { namespace: `team-${i}` });
      new NamespaceIsolation(chart, 'baseline');
      new IsolatedTier(chart, 'app', { podLabels: { app: 'app' }, ports: [Port.tcp(8080)] }).allowFrom(Peer.namespace('shop'), Port.tcp(8080));
    }
    expect(app.charts).toHaveLength(10);
    const spy = jest.spyOn(Reachability, 'fromApp');
    try {
      app.synth();
      expect(spy).toHaveBeenCalledTimes(1);
      // The same app synthesized again is not audited again; the same findings stand.
      app.synthYaml();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('app.synth() is not replaced: the audit is an ordinary validation of the construct', () => {
    const app = build(true);
    expect(Object.prototype.hasOwnProperty.call(app, 'synth')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(app, 'synthYaml')).toBe(false);
    const audit = app.node.findAll().find(c => c instanceof NetsecAudit) as NetsecAudit;
    expect(audit.node.validate()).toEqual([expect.stringMatching(/^NETSEC004 egress-to-any-address \[high\] NetworkPolicy shop\/api/)]);
  });

  test('a change after a synthesis is audited afresh by the next one', () => {
    const app = build(false);
    app.synth();
    const chart = app.charts.find(c => c.node.id === 'shop')!;
    (chart.node.findChild('api') as IsolatedTier).allowTo(Peer.anyIpv4(), Port.tcp(443));
    expect(() => app.synth()).toThrow(/NETSEC004 egress-to-any-address \[high\] NetworkPolicy shop\/api/);
    expect(() => app.synthYaml()).toThrow(/NETSEC004/);
  });

  test('each kind of change that adds no construct is audited afresh: an acceptance, an annotation, a JSON patch', () => {
    const accepted = build(true);
    const api = accepted.charts[0].node.findChild('api') as IsolatedTier;
    expect(() => accepted.synth()).toThrow(/NETSEC004/);
    AuditAcceptance.accept(api, ['NETSEC004'], 'payment provider publishes no address ranges');
    expect(() => accepted.synth()).not.toThrow();

    const annotated = build(true);
    const policy = (annotated.charts[0].node.findChild('api') as IsolatedTier).policy;
    expect(() => annotated.synth()).toThrow(/NETSEC004/);
    policy.metadata.addAnnotation(AuditAcceptance.RULES_ANNOTATION, 'NETSEC004');
    policy.metadata.addAnnotation(AuditAcceptance.REASON_ANNOTATION, 'written by hand');
    expect(() => annotated.synth()).not.toThrow();

    const patched = build(false);
    const web = patched.charts[0].node.findChild('web') as IsolatedTier;
    expect(() => patched.synth()).not.toThrow();
    web.policy.addJsonPatch(JsonPatch.add('/spec/egress/-', { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }));
    expect(() => patched.synth()).toThrow(/NETSEC00\d .*NetworkPolicy shop\/web/);
  });
});
