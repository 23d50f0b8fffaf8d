import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as yaml from 'yaml';
import { ClusterIsolation, IsolatedTier, NamespaceExemption, Port } from '../../src';
import { Reachability } from '../../src/analysis';
import { acceptanceLine, listAcceptances } from '../../src/audit/acceptance-list';
import { KUBE_SYSTEM_REASON } from '../../src/guardrails/namespace-exemption';
import { cli } from '../cli/run-cli';
import { findObject, validateAll } from '../util';

/*
 * Each exemption carries its reason, which the audit reports as accepted: listed with the namespace, the
 * reason and where it is written, and accepting the findings about the exempt Namespace itself (no
 * default deny, outside the guardrails), never a finding about any other object.
 */

const pod = (namespace: string, name: string, labels: { [key: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels }, spec: { containers: [{ name: 'c', image: 'x' }] },
});
const LEGACY_REASON = 'not yet described by tiers; tracked in PLAT-123';

function guardedApp(): { app: App; objects: any[] } {
  const app = Testing.app();
  new ClusterIsolation(new Chart(app, 'cluster'), 'guardrails', {
    exemptNamespaces: ['kube-system'], exemptions: [NamespaceExemption.of('legacy', '  not yet described by tiers;\n tracked in PLAT-123 ')], apiServerAddresses: ['10.0.0.0/28'],
  });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  new IsolatedTier(shop, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
  return { app, objects: validateAll(app.charts.flatMap((c) => Testing.synth(c))) };
}

const KUBE_SYSTEM_PODS = [pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), pod('kube-system', 'aws-node', { app: 'aws-node' })];
const LEGACY_PODS = [pod('legacy', 'billing', { app: 'billing' })];

describe('exemptions as accepted findings', () => {
  const { objects } = guardedApp();
  const findings = Reachability.fromManifests([...objects, ...KUBE_SYSTEM_PODS, ...LEGACY_PODS, pod('shop', 'web', { app: 'web' })]).audit();
  const about = (kind: string, name: string, namespace?: string) =>
    findings.filter((f) => f.kind === kind && f.name === name && f.namespace === namespace);

  test('the reason is written on one line per namespace on the Baseline policy, kube-system with its documented reason', () => {
    const baseline = findObject(objects, 'ClusterNetworkPolicy', 'guardrails-default-deny');
    expect(baseline.metadata.annotations['netsec.cdk8s.io/exemptions']).toBe(`kube-system: ${KUBE_SYSTEM_REASON}\nlegacy: ${LEGACY_REASON}`);
  });

  test('the findings about each exempt Namespace are reported, accepted with its reason', () => {
    for (const [namespace, reason] of [['kube-system', KUBE_SYSTEM_REASON], ['legacy', LEGACY_REASON]]) {
      const found = about('Namespace', namespace);
      expect(found.map((f) => f.ruleId).sort()).toEqual(['NETSEC001', 'NETSEC002', 'NETSEC020']);
      for (const f of found) expect([f.ruleId, f.suppressed, f.suppressionReason]).toEqual([f.ruleId, true, reason]);
    }
  });

  test('findings about the pods of an exempt namespace are not accepted by the exemption', () => {
    const billing = about('Pod', 'billing', 'legacy');
    expect(billing.map((f) => f.ruleId)).toEqual(['NETSEC003']);
    expect(billing[0].suppressed).toBeUndefined();
    expect(about('Pod', 'aws-node', 'kube-system').map((f) => [f.ruleId, f.suppressed])).toEqual([['NETSEC003', undefined]]);
  });

  test('the acceptance list names each exemption: namespace, accepted rules, reason, and the policy that writes it', () => {
    const entries = listAcceptances(objects).filter((e) => e.object.startsWith('v1 Namespace'));
    expect(entries).toEqual([
      {
        object: 'v1 Namespace kube-system',
        rules: ['NETSEC001 namespace-without-default-deny-ingress', 'NETSEC002 namespace-without-default-deny-egress', 'NETSEC020 namespace-outside-guardrails'],
        reason: KUBE_SYSTEM_REASON,
        valid: true,
        source: 'annotation netsec.cdk8s.io/exemptions of policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy guardrails-default-deny',
      },
      expect.objectContaining({ object: 'v1 Namespace legacy', reason: LEGACY_REASON, valid: true }),
    ]);
    expect(acceptanceLine(entries[1])).toBe('v1 Namespace legacy accepts NETSEC001 namespace-without-default-deny-ingress, NETSEC002 namespace-without-default-deny-egress, '
      + `NETSEC020 namespace-outside-guardrails: "${LEGACY_REASON}" (annotation netsec.cdk8s.io/exemptions of policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy guardrails-default-deny)`);
  });

  test('the CLI analyze report lists the exemptions under Acceptances, with the file that holds them, and passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exemptions-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.yaml'), [...objects, ...KUBE_SYSTEM_PODS, ...LEGACY_PODS].map((o) => yaml.stringify(o)).join('---\n'));
      const run = cli(['analyze', 'app.yaml', '--fail-on', 'high'], { cwd: dir });
      expect(run.stdout).toContain(`  v1 Namespace legacy accepts NETSEC001 namespace-without-default-deny-ingress, NETSEC002 namespace-without-default-deny-egress, NETSEC020 namespace-outside-guardrails: "${LEGACY_REASON}" `
        + '(annotation netsec.cdk8s.io/exemptions of policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy guardrails-default-deny in app.yaml, document 2)');
      expect(run.stdout).toContain('  v1 Namespace kube-system accepts NETSEC001');
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an exemptions annotation accepts nothing unless a Baseline policy really leaves the namespace out', () => {
  const { objects } = guardedApp();
  const policies = objects.filter((o) => o.kind === 'ClusterNetworkPolicy');
  const forged = (mutate: (objects: any[]) => void) => {
    const copy = JSON.parse(JSON.stringify(policies));
    mutate(copy);
    const findings = Reachability.fromManifests([...copy, pod('team', 'x', { app: 'x' }), ...LEGACY_PODS]).audit();
    return { copy, findings };
  };
  const baselineOf = (copy: any[]) => copy.find((o: any) => o.spec.tier === 'Baseline' && o.metadata.name === 'guardrails-default-deny');

  test('naming a namespace the Baseline covers suppresses nothing, and the list says why', () => {
    const { copy, findings } = forged((c) => {
      baselineOf(c).metadata.annotations['netsec.cdk8s.io/exemptions'] += '\nteam: trust me';
      c.push({ ...JSON.parse(JSON.stringify(baselineOf(c))), metadata: { name: 'other', annotations: { 'netsec.cdk8s.io/exemptions': 'team: trust me' } } });
    });
    // team is guarded: no finding about it to suppress, and the entries are invalid.
    const entries = listAcceptances(copy).filter((e) => e.object === 'v1 Namespace team');
    expect(entries.map((e) => [e.valid, e.invalidBecause])).toEqual([
      [false, 'the subject of policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy guardrails-default-deny covers the namespace, so nothing is exempt'],
      [false, 'the subject of policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy other covers the namespace, so nothing is exempt'],
    ]);
    expect(findings.filter((f) => f.namespace === 'team' || f.name === 'team').filter((f) => f.suppressed)).toEqual([]);
  });

  test('on another kind or tier, without a reason, or malformed, it suppresses nothing', () => {
    const exemptBy = (c: any[]) => {
      const baseline = baselineOf(c);
      baseline.spec.subject.namespaces.matchExpressions[0].values.push('team');
      baseline.metadata.annotations['netsec.cdk8s.io/exemptions'] = 'kube-system: x';
      return baseline;
    };
    const cases: [string, (c: any[]) => void, string][] = [
      ['Admin tier', (c) => { const b = exemptBy(c); b.spec.tier = 'Admin'; b.metadata.annotations['netsec.cdk8s.io/exemptions'] = 'team: trust me'; },
        'it is written on policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy guardrails-default-deny, not on a Baseline-tier ClusterNetworkPolicy'],
      ['a ConfigMap', (c) => { exemptBy(c); c.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'x', annotations: { 'netsec.cdk8s.io/exemptions': 'team: trust me' } } }); },
        'it is written on v1 ConfigMap x/m, not on a Baseline-tier ClusterNetworkPolicy'],
      ['no reason', (c) => { exemptBy(c).metadata.annotations['netsec.cdk8s.io/exemptions'] = 'team:   '; }, 'it gives no reason'],
      ['malformed', (c) => { exemptBy(c).metadata.annotations['netsec.cdk8s.io/exemptions'] = 'Team - trust me'; }, 'the line "Team - trust me" is not "namespace: reason"'],
    ];
    for (const [name, mutate, why] of cases) {
      const { copy, findings } = forged(mutate);
      const team = findings.filter((f) => f.kind === 'Namespace' && f.name === 'team');
      expect([name, team.length > 0, team.filter((f) => f.suppressed).length]).toEqual([name, true, 0]);
      expect([name, listAcceptances(copy).filter((e) => e.invalidBecause !== undefined).map((e) => e.invalidBecause)]).toEqual([name, [why]]);
    }
  });

  test('a real exemption of another namespace does not accept findings about this one', () => {
    const { findings } = forged(() => undefined);
    expect(findings.filter((f) => f.kind === 'Namespace' && f.name === 'legacy').every((f) => f.suppressed)).toBe(true);
    expect(findings.filter((f) => f.name === 'team' || f.namespace === 'team').filter((f) => f.suppressed)).toEqual([]);
  });
});
