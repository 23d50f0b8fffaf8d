import * as fs from 'fs';
import * as path from 'path';
import { cli, FIXTURES } from './run-cli';

describe('cdk8s-netsec diff', () => {
  test('reports the ports a change opens and closes per pair, whole flows included, and the findings it adds', () => {
    const run = cli(['diff', 'diff/before.yaml', 'diff/after.yaml']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('## Network reachability: `diff/before.yaml` → `diff/after.yaml`');
    expect(run.stdout).toContain([
      '### Flows opened (3)',
      '',
      '| From | To | Ports | Change |',
      '| --- | --- | --- | --- |',
      '| `shop/web` | `shop/api` | TCP 8081 | more ports |',
      '| `shop/web` | `shop/db` | TCP 5432 | new flow |',
      '| `shop/api` | `0.0.0.0-255.255.255.255 (external)` | TCP 443 | new flow |',
    ].join('\n'));
    expect(run.stdout).toContain([
      '### Flows closed (1)',
      '',
      '| From | To | Ports | Change |',
      '| --- | --- | --- | --- |',
      '| `shop/api` | `shop/db` | TCP 5432 | flow removed |',
    ].join('\n'));
    // The change also leaves db admitting api, which api's egress no longer allows (one-sided), and
    // resolves the two one-sided rules the old version had.
    expect(run.stdout).toContain('### Findings added (2)\n\n- **HIGH** NETSEC004 egress-to-any-address: NetworkPolicy shop/api: ');
    expect(run.stdout).toContain('- **MEDIUM** NETSEC015 one-sided-flow: NetworkPolicy shop/db: spec.ingress[0] of shop/db names the client pods');
    expect(run.stdout).toContain('### Findings resolved (2)');
  });

  test('the other way round, opened and closed swap and the finding is resolved', () => {
    const run = cli(['diff', 'diff/after.yaml', 'diff/before.yaml']);
    expect(run.stdout).toContain('| `shop/api` | `shop/db` | TCP 5432 | new flow |');
    expect(run.stdout).toContain('| `shop/web` | `shop/api` | TCP 8081 | fewer ports |');
    expect(run.stdout).toContain('| `shop/web` | `shop/db` | TCP 5432 | flow removed |');
    expect(run.stdout).toContain('### Findings resolved (2)\n\n- **HIGH** NETSEC004');
  });

  test('identical inputs report no change and exit 0, also with --fail-on-change', () => {
    const run = cli(['diff', '--fail-on-change', 'clean', 'clean']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No change: the same flows are allowed and the audit reports the same findings.');
    expect(run.stdout).not.toContain('###');
  });

  test('dropping the policies opens every other port, whole protocols included, and adds the findings of an open namespace', () => {
    const run = cli(['diff', 'clean', 'clean/workloads']);
    expect(run.stdout).toContain('Before: 4 files, 2 pods. After: 2 files, 2 pods.');
    expect(run.stdout).toContain('| `shop/api` | `shop/web` | all traffic | new flow |');
    expect(run.stdout).toContain('| `shop/web` | `shop/api` | TCP 1-8079, 8081-65535; all UDP; all SCTP | more ports |');
    expect(run.stdout).toContain('- **HIGH** NETSEC001 namespace-without-default-deny-ingress: Namespace shop: ');
    expect(run.stdout).not.toContain('Flows closed');
  });

  test('pods that appear or disappear are named', () => {
    const run = cli(['diff', 'clean', 'clean/workloads/web.yaml']);
    expect(run.stdout).toContain('Pods removed: `shop/api`.');
    expect(cli(['diff', 'clean/workloads/web.yaml', 'clean']).stdout).toContain('Pods added: `shop/api`.');
  });

  test('the same objects read from a directory or from standard input are no change', () => {
    const files = ['clean/namespace.yaml', 'clean/policies.yaml', 'clean/workloads/api.yaml', 'clean/workloads/web.yaml'];
    const stdin = files.map(f => fs.readFileSync(path.join(FIXTURES, f), 'utf8')).join('\n---\n');
    expect(cli(['diff', 'clean', '-'], { stdin }).stdout).toContain('No change');
  });

  test('--fail-on-change exits 1 on any change and says why on stderr, leaving stdout Markdown', () => {
    const run = cli(['diff', '--fail-on-change', 'diff/before.yaml', 'diff/after.yaml']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('cdk8s-netsec diff: exit 1: the change opens or closes flows or changes findings (--fail-on-change).\n');
    expect(run.stdout).toContain('### Flows opened (3)');
  });

  test('--fail-on exits 1 only when the change adds a finding at or above the severity', () => {
    const adds = cli(['diff', '--fail-on', 'high', 'diff/before.yaml', 'diff/after.yaml']);
    expect(adds.status).toBe(1);
    expect(adds.stderr).toContain('the change adds 1 finding at or above high (--fail-on high)');
    expect(cli(['diff', '--fail-on', 'critical', 'diff/before.yaml', 'diff/after.yaml']).status).toBe(0);
    // Resolving a finding never fails: the other way round resolves the high one and adds only medium ones.
    expect(cli(['diff', '--fail-on', 'high', 'diff/after.yaml', 'diff/before.yaml']).status).toBe(0);
    expect(cli(['diff', '--fail-on', 'medium', 'diff/after.yaml', 'diff/before.yaml']).status).toBe(1);
  });

  test('--ignore leaves the rule out of both audits', () => {
    const run = cli(['diff', '--ignore', 'egress-to-any-address', 'diff/before.yaml', 'diff/after.yaml']);
    expect(run.stdout).not.toContain('NETSEC004');
    expect(cli(['diff', '--ignore', 'egress-to-any-address,one-sided-flow', 'diff/before.yaml', 'diff/after.yaml']).stdout).not.toContain('Findings added');
    expect(run.stdout).toContain('### Flows opened (3)');
  });

  test('--json has the sides, the changes with ports as data, and the findings', () => {
    const run = cli(['diff', '--json', 'diff/before.yaml', 'diff/after.yaml']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.before).toEqual({ path: 'diff/before.yaml', files: ['diff/before.yaml'], pods: ['shop/api', 'shop/db', 'shop/web'] });
    expect(report.changed).toBe(true);
    expect(report.opened).toEqual([
      { from: 'shop/web', fromKind: 'pod', to: 'shop/api', toKind: 'pod', ports: [{ protocol: 'TCP', port: 8081 }], description: 'TCP 8081', wholeFlow: false },
      { from: 'shop/web', fromKind: 'pod', to: 'shop/db', toKind: 'pod', ports: [{ protocol: 'TCP', port: 5432 }], description: 'TCP 5432', wholeFlow: true },
      { from: 'shop/api', fromKind: 'pod', to: '0.0.0.0-255.255.255.255', toKind: 'address-range', ports: [{ protocol: 'TCP', port: 443 }], description: 'TCP 443', wholeFlow: true },
    ]);
    expect(report.closed).toEqual([
      { from: 'shop/api', fromKind: 'pod', to: 'shop/db', toKind: 'pod', ports: [{ protocol: 'TCP', port: 5432 }], description: 'TCP 5432', wholeFlow: true },
    ]);
    expect(report.findingsAdded).toHaveLength(2);
    expect(report.findingsAdded[0]).toMatchObject({ ruleId: 'NETSEC004', resource: 'NetworkPolicy shop/api', severity: 'high' });
    expect(report.findingsAdded[1]).toMatchObject({ ruleId: 'NETSEC015', resource: 'NetworkPolicy shop/db', severity: 'medium' });
    expect(report.findingsResolved.map((f: any) => f.ruleId)).toEqual(['NETSEC015', 'NETSEC015']);
  });

  test('--json of identical inputs says changed: false', () => {
    const report = JSON.parse(cli(['diff', '--json', 'clean', 'clean']).stdout);
    expect(report).toMatchObject({ changed: false, opened: [], closed: [], findingsAdded: [], findingsResolved: [] });
  });

  test('anything but two paths is a usage error', () => {
    for (const operands of [[], ['clean'], ['clean', 'clean', 'clean']]) {
      const run = cli(['diff', ...operands]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('needs exactly two paths');
    }
  });

  test('invalid input on one side exits 2 naming that side and the object', () => {
    const run = cli(['diff', 'clean', 'invalid-policy.yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Error: invalid-policy.yaml, document 1: NetworkPolicy shop/web: spec.egress[0].to[0].ipBlock.cidr');
    expect(cli(['diff', 'invalid-yaml.yaml', 'clean']).stderr).toContain('invalid-yaml.yaml:4:');
  });

  test('--output csv lists one row per change; dot draws opened and closed edges; a bad format is a usage error', () => {
    const csv = cli(['diff', '--output', 'csv', 'diff/before.yaml', 'diff/after.yaml']);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\r\n')).toEqual([
      'Change,From,To,Ports,Scope',
      'opened,shop/web,shop/api,TCP 8081,some ports',
      'opened,shop/web,shop/db,TCP 5432,whole flow',
      'opened,shop/api,0.0.0.0-255.255.255.255 (external),TCP 443,whole flow',
      'closed,shop/api,shop/db,TCP 5432,whole flow',
      '',
    ]);
    const dot = cli(['diff', '--output', 'dot', 'diff/before.yaml', 'diff/after.yaml']).stdout;
    expect(dot).toMatch(/^digraph "diff" \{\n/);
    expect(dot).toContain('  "shop/api" -> "shop/db" [label="- TCP 5432"];');
    expect(dot).toContain('  "shop/web" -> "shop/db" [label="+ TCP 5432"];');
    const bad = cli(['diff', '--output', 'xml', 'clean', 'clean']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('Error: cdk8s-netsec diff --output: is not an output format ("xml"). Use one of text, json, md, csv, dot, mermaid.\n');
    expect(cli(['diff', '--json', '--output', 'md', 'clean', 'clean']).stderr).toContain('cannot be combined with --json');
  });
});
