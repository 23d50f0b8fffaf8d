import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import type { Validation } from 'cdk8s-cli/plugins';
import * as YAML from 'yaml';
import { AuditSeverity } from '../../src/analysis';
import { NetsecValidation } from '../../src/validation';

/** A context that records what the plugin reports, shaped like cdk8s-cli's ValidationContext. */
function fakeContext(manifests: string[]) {
  const violations: any[] = [];
  const submitted: { status: string; metadata?: { [key: string]: string } }[] = [];
  const report = {
    addViolation: (violation: any) => {
      if (submitted.length > 0) throw new Error('violation added after submit');
      violations.push(violation);
    },
    submit: (status: string, metadata?: { [key: string]: string }) => submitted.push({ status, metadata }),
  };
  return { context: { manifests, report, logger: { log: () => undefined } }, violations, submitted };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-validation-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes objects as one multi-document YAML file and returns its path. */
function manifest(name: string, objects: any[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, objects.map(o => YAML.stringify(o)).join('---\n'));
  return file;
}

const denyAll = (namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny-all', namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const pod = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'main', image: 'nginx' }] },
});
const service = (namespace: string, name: string, type: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { type, selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }] },
});

describe('NetsecValidation.validate', () => {
  test('pods are inferred from policies without workloads (inferPods, default true)', async () => {
    const tierPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16' } }] }] },
    };
    const file = manifest('tier.k8s.yaml', [denyAll('shop'), tierPolicy]);
    const inferred = fakeContext([file]);
    await new NetsecValidation({ failOn: 'critical' }).validate(inferred.context);
    const metadata = inferred.violations.find(v => v.ruleName.startsWith('NETSEC005'));
    expect(metadata?.violatingResources.map((r: any) => [r.resourceName, r.manifestPath])).toEqual([['web', file]]);
    expect(inferred.submitted).toEqual([expect.objectContaining({ status: 'failure' })]);

    const literal = fakeContext([file]);
    await new NetsecValidation({ failOn: 'critical', inferPods: false }).validate(literal.context);
    expect(literal.violations.find(v => v.ruleName.startsWith('NETSEC005'))).toBeUndefined();
    expect(literal.submitted).toEqual([expect.objectContaining({ status: 'success' })]);
    expect(() => new NetsecValidation({ inferPods: 'yes' as any })).toThrow('NetsecValidation: inferPods is not a boolean ("yes"). Write inferPods: true or inferPods: false.');
  });

  test('findings an object accepts with a reason are reported as suppressed and do not fail synthesis', async () => {
    const accepted = {
      ...service('shop', 'public', 'LoadBalancer'),
      metadata: {
        name: 'public',
        namespace: 'shop',
        annotations: { 'netsec.cdk8s.io/audit-accept': 'NETSEC006', 'netsec.cdk8s.io/audit-accept-reason': 'public storefront behind the CDN' },
      },
    };
    const file = manifest('shop.k8s.yaml', [denyAll('shop'), pod('shop', 'web'), accepted]);
    const { context, violations, submitted } = fakeContext([file]);
    await new NetsecValidation({ failOn: 'high' }).validate(context);
    const suppressed = violations.find(v => v.ruleName === 'NETSEC006 load-balancer-without-source-ranges (suppressed)');
    expect(suppressed.violatingResources[0].locations).toEqual([expect.stringMatching(/\(suppressed: public storefront behind the CDN\)$/)]);
    expect(violations.find(v => v.ruleName === 'NETSEC006 load-balancer-without-source-ranges')).toBeUndefined();
    expect(submitted).toEqual([expect.objectContaining({ status: 'success' })]);
    expect(submitted[0].metadata).toMatchObject({ Suppressed: '1 (accepted on their objects, never fail)' });

    // Without the reason, nothing is suppressed: the finding fails, and NETSEC014 says why.
    delete (accepted.metadata.annotations as any)['netsec.cdk8s.io/audit-accept-reason'];
    const bare = fakeContext([manifest('bare.k8s.yaml', [denyAll('shop'), pod('shop', 'web'), accepted])]);
    await new NetsecValidation({ failOn: 'high' }).validate(bare.context);
    expect(bare.violations.map(v => v.ruleName)).toEqual(expect.arrayContaining(['NETSEC006 load-balancer-without-source-ranges', 'NETSEC014 invalid-audit-acceptance']));
    expect(bare.submitted).toEqual([expect.objectContaining({ status: 'failure' })]);
  });

  test('every acceptance is listed with its object, rules, reason and file, valid or not, and never fails', async () => {
    const withAnnotations = (object: any, annotations: Record<string, string>) => ({ ...object, metadata: { ...object.metadata, annotations } });
    const accepted = withAnnotations(service('shop', 'public', 'LoadBalancer'),
      { 'netsec.cdk8s.io/audit-accept': 'NETSEC006', 'netsec.cdk8s.io/audit-accept-reason': 'public storefront behind the CDN' });
    const reasonless = withAnnotations(pod('shop', 'web'), { 'netsec.cdk8s.io/audit-accept': 'NETSEC005' });
    const shop = manifest('shop.k8s.yaml', [denyAll('shop'), reasonless]);
    const edge = manifest('edge.k8s.yaml', [accepted]);
    const { context, violations, submitted } = fakeContext([shop, edge]);
    await new NetsecValidation({ failOn: 'critical' }).validate(context);
    const listed = violations.find(v => v.ruleName === 'audit-acceptances');
    expect(listed.recommendation).toMatch(/^\[listed only, never fails\]/);
    expect(listed.violatingResources).toEqual([
      {
        resourceName: 'v1 Pod shop/web',
        manifestPath: shop,
        locations: [`v1 Pod shop/web accepts NETSEC005 metadata-endpoint-reachable: no reason, so it suppresses nothing (NETSEC014) (annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object in ${shop})`],
      },
      {
        resourceName: 'v1 Service shop/public',
        manifestPath: edge,
        locations: [`v1 Service shop/public accepts NETSEC006 load-balancer-without-source-ranges: "public storefront behind the CDN" (annotations netsec.cdk8s.io/audit-accept and netsec.cdk8s.io/audit-accept-reason of the object in ${edge})`],
      },
    ]);
    expect(submitted[0].metadata).toMatchObject({ Acceptances: '2 (listed under audit-acceptances, never fail)' });
  });

  test('reports one violation per rule with the rule ID, every violating resource and the fix, and fails at failOn', async () => {
    const shop = manifest('shop.k8s.yaml', [denyAll('shop'), pod('shop', 'web'),
      service('shop', 'public', 'LoadBalancer'), service('shop', 'admin', 'LoadBalancer')]);
    const edge = manifest('edge.k8s.yaml', [denyAll('edge'), service('edge', 'lb', 'LoadBalancer')]);
    const { context, violations, submitted } = fakeContext([shop, edge]);

    await new NetsecValidation().validate(context);

    const lb = violations.find(v => v.ruleName.startsWith('NETSEC006'));
    expect(lb).toBeDefined();
    expect(lb.ruleName).toBe('NETSEC006 load-balancer-without-source-ranges');
    expect(lb.recommendation).toMatch(/^\[high, fails synthesis \(failOn: high\)\] A Service of type LoadBalancer/);
    expect(lb.fix).toMatch(/loadBalancerSourceRanges/);
    expect(lb.violatingResources.map((r: any) => [r.resourceName, r.manifestPath])).toEqual([
      ['lb', edge], ['admin', shop], ['public', shop],
    ]);
    expect(lb.violatingResources[2].locations).toEqual([expect.stringMatching(/^Service shop\/public: type LoadBalancer without loadBalancerSourceRanges/)]);
    expect(violations.filter(v => v.ruleName.startsWith('NETSEC006'))).toHaveLength(1);
    expect(submitted).toEqual([{ status: 'failure', metadata: expect.objectContaining({ 'Fails on': expect.stringMatching(/^high and above/) }) }]);
  });

  test('objects inside a List are located in their file; a namespace only implied by its objects is named in full', async () => {
    const other = manifest('other.yaml', [denyAll('shop')]);
    const open = manifest('open.yaml', [{ apiVersion: 'v1', kind: 'List', items: [pod('open', 'web')] }]);
    const { context, violations } = fakeContext([other, open]);

    await new NetsecValidation().validate(context);

    const resources = (rule: string) => violations.find(v => v.ruleName.startsWith(rule))?.violatingResources;
    // No Namespace object exists, so no construct path can belong to it: the CLI must not match a namesake.
    expect(resources('NETSEC001')).toEqual([{
      resourceName: 'Namespace open', manifestPath: open, locations: [expect.stringMatching(/^Namespace open: /)],
    }]);
    expect(resources('NETSEC003')).toEqual([{
      resourceName: 'web', manifestPath: open, locations: [expect.stringMatching(/^Pod open\/web: /)],
    }]);
  });

  test('findings below failOn are reported but the report succeeds', async () => {
    const { context, violations, submitted } = fakeContext([manifest('a.yaml', [denyAll('shop'), service('shop', 'public', 'LoadBalancer')])]);

    await new NetsecValidation({ failOn: 'CRITICAL' }).validate(context);

    expect(violations.map(v => v.ruleName)).toContain('NETSEC006 load-balancer-without-source-ranges');
    expect(violations[0].recommendation).toMatch(/^\[high, reported only: below failOn critical\]/);
    expect(submitted.map(s => s.status)).toEqual(['success']);
  });

  test('failOn accepts the AuditSeverity values; a finding at exactly failOn fails', async () => {
    const { context, submitted } = fakeContext([manifest('a.yaml', [denyAll('shop'), service('shop', 'ops', 'NodePort')])]);
    await new NetsecValidation({ failOn: AuditSeverity.MEDIUM }).validate(context);
    expect(submitted.map(s => s.status)).toEqual(['failure']);
  });

  test('ignored rules are neither reported nor fail, and the summary names them', async () => {
    const { context, violations, submitted } = fakeContext([manifest('a.yaml', [denyAll('shop'), service('shop', 'public', 'LoadBalancer')])]);

    await new NetsecValidation({ ignore: ['load-balancer-without-source-ranges'] }).validate(context);

    expect(violations.map(v => v.ruleName)).not.toContain('NETSEC006 load-balancer-without-source-ranges');
    expect(submitted).toEqual([{ status: 'success', metadata: expect.objectContaining({ 'Ignored rules': 'NETSEC006' }) }]);
  });

  test('clean manifests and no manifests at all succeed with no violations', async () => {
    for (const manifests of [[manifest('clean.yaml', [denyAll('shop'), pod('shop', 'web')])], []]) {
      const { context, violations, submitted } = fakeContext(manifests);
      await new NetsecValidation().validate(context);
      expect(violations).toEqual([]);
      expect(submitted.map(s => s.status)).toEqual(['success']);
    }
  });

  test('a NetworkPolicy the analyzer rejects fails the report with the analyzer\'s message instead of crashing', async () => {
    const bad = { ...denyAll('shop'), spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] } };
    const file = manifest('bad.yaml', [bad]);
    const { context, violations, submitted } = fakeContext([file]);

    await new NetsecValidation().validate(context);

    expect(violations).toHaveLength(1);
    expect(violations[0].ruleName).toBe('manifests-not-analyzable');
    expect(violations[0].recommendation).toMatch(/NetworkPolicy shop\/deny-all/);
    expect(violations[0].recommendation).toContain('10.0.0.0/33');
    expect(violations[0].violatingResources).toEqual([{ resourceName: 'bad.yaml', locations: [expect.stringContaining('10.0.0.0/33')], manifestPath: file }]);
    expect(submitted.map(s => s.status)).toEqual(['failure']);
  });

  test('a file that is not YAML fails the report naming the file', async () => {
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'kind: Service\nmetadata: {name: x\n');
    const { context, violations, submitted } = fakeContext([file]);
    await new NetsecValidation().validate(context);
    expect(violations[0].recommendation).toContain(`${file}:3:1: is not valid YAML`);
    expect(submitted.map(s => s.status)).toEqual(['failure']);
  });

  test('with cdk8s-cli\'s own ValidationContext the report carries the construct path of each violating resource', async () => {
    const file = manifest('shop.k8s.yaml', [denyAll('shop'), service('shop', 'public', 'LoadBalancer')]);
    const context = new ValidationContext([file], 'cdk8s-netsec', '0.0.0', {
      'public': { path: 'shop/public' },
      'deny-all': { path: 'shop/baseline/Resource' },
    }, false);

    // The class satisfies the CLI's Validation contract as the CLI types it.
    const plugin: Validation = new NetsecValidation();
    await plugin.validate(context);

    expect(context.report.success).toBe(false);
    const json = context.report.toJson();
    const lb = json.violations.find((v: any) => v.ruleName.startsWith('NETSEC006'))!;
    expect(lb.violatingConstructs).toEqual([{
      resourceName: 'public',
      constructPath: 'shop/public',
      manifestPath: file,
      locations: [expect.stringMatching(/^Service shop\/public: /)],
    }]);
    expect(context.report.toString()).toContain('NETSEC006 load-balancer-without-source-ranges');
  });
});

describe('NetsecValidation properties', () => {
  test('default to failing on high with no rule ignored', () => {
    const plugin = new NetsecValidation();
    expect([plugin.failOn, plugin.ignore]).toEqual([AuditSeverity.HIGH, []]);
    expect(new NetsecValidation({ failOn: ' Low ', ignore: ['NETSEC011', 'nodeport-service'] }))
      .toMatchObject({ failOn: AuditSeverity.LOW, ignore: ['NETSEC011', 'NETSEC007'] });
  });

  test('an unknown severity or rule, or ignore written as a string, is refused when cdk8s loads the plugin', () => {
    expect(() => new NetsecValidation({ failOn: 'hgih' }))
      .toThrow('NetsecValidation: failOn is not a severity ("hgih"). Use one of low, medium, high, critical in the properties of the validation in cdk8s.yaml.');
    expect(() => new NetsecValidation({ ignore: 'NETSEC011' as any }))
      .toThrow(/NetsecValidation: ignore is not a list \("NETSEC011"\)\. Write it as a YAML list/);
    expect(() => new NetsecValidation({ ignore: ['NETSEC099'] }))
      .toThrow(/NetsecValidation: ignore names no audit rule \("NETSEC099"\)\. Use identifiers or names from AuditRules\.all\(\): NETSEC001/);
  });
});

describe('cdk8s synth with the plugin in cdk8s.yaml', () => {
  const FIXTURES = path.join(__dirname, '..', 'fixtures', 'validation');

  function synth(fixture: string) {
    const out = path.join(dir, fixture);
    const result = spawnSync(path.join(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', out], {
      cwd: path.join(FIXTURES, fixture),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}`, out };
  }

  test('an app with a LoadBalancer without source ranges fails synthesis with NETSEC006 and its construct path', () => {
    const result = synth('violating');
    expect(result.output).toContain('NETSEC006 load-balancer-without-source-ranges');
    expect(result.output).toContain('Construct Path: violating/public-lb');
    expect(result.output).toContain('Resource Name: public-lb');
    expect(result.output).toContain('Validation failed');
    expect(result.status).toBe(2);
  }, 60_000);

  test('a clean app synthesizes, and the plugin reports success', () => {
    const result = synth('clean');
    expect(result.output).toContain('Validations ended succesfully');
    expect(result.output).not.toContain('NETSEC0');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(result.out)).toContain('clean.k8s.yaml');
  }, 60_000);
});
