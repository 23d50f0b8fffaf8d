import { App, Chart, Testing } from 'cdk8s';
import { AuditSeverity, IsolatedTier, NamespaceIsolation, NetsecAudit, Peer, Port, Reachability } from '../../src';

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
      '[shop/audit] NETSEC004 egress-to-any-address [high] NetworkPolicy shop/api (construct shop/api/NetworkPolicy): '
      + 'spec.egress[0].to[0] allows 0.0.0.0/0 except 100.100.100.200/32, 168.63.129.16/32, 169.254.169.254/32: every IPv4 address outside the excepted ranges, on TCP 443.');
    expect(() => build(true).synth()).toThrow(/Fix: Narrow the ipBlock .* To accept it on purpose, call AuditAcceptance.accept\(<shop\/api\/NetworkPolicy>, \[.NETSEC004.\], .<why>.\), or add "NETSEC004" to the ignore list of shop\/audit to ignore the rule everywhere\./);
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

  test('one audit per synthesis, though cdk8s validates the app again for every chart', () => {
    const app = build(false);
    for (const ns of ['a', 'b', 'c']) {
      const chart = new Chart(app, ns, { namespace: ns });
      new NamespaceIsolation(chart, 'baseline');
    }
    const spy = jest.spyOn(Reachability, 'fromApp');
    try {
      app.synth();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('a change after a synthesis is audited afresh by the next one', () => {
    const app = build(false);
    app.synth();
    const chart = app.charts.find(c => c.node.id === 'shop')!;
    (chart.node.findChild('api') as IsolatedTier).allowTo(Peer.anyIpv4(), Port.tcp(443));
    expect(() => app.synth()).toThrow(/NETSEC004 egress-to-any-address \[high\] NetworkPolicy shop\/api/);
    expect(() => app.synthYaml()).toThrow(/NETSEC004/);
  });
});
