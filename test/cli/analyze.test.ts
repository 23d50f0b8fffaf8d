import { cli } from './run-cli';

describe('cdk8s-netsec analyze', () => {
  test('a LoadBalancer without source ranges and egress to 0.0.0.0/0 fail at the default threshold (high)', () => {
    const run = cli(['analyze', 'violations.yaml']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Analyzed 1 file: 6 objects, 1 pod in 1 namespace, 2 NetworkPolicies.');
    expect(run.stdout).toContain('Findings (3: 2 high, 1 medium):');
    expect(run.stdout).toContain('HIGH NETSEC004 egress-to-any-address: NetworkPolicy shop/web');
    expect(run.stdout).toContain('HIGH NETSEC006 load-balancer-without-source-ranges: Service shop/web-public');
    expect(run.stdout).toContain('MEDIUM NETSEC007 nodeport-service: Service shop/web-debug');
    expect(run.stdout).toMatch(/0\.0\.0\.0\/0/);
    expect(run.stdout).toContain('Fix: Set spec.loadBalancerSourceRanges');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('Result: fail: 2 findings at or above high (--fail-on high).');
  });

  test('findings are printed most severe first', () => {
    const { stdout } = cli(['analyze', 'violations.yaml']);
    expect(stdout.indexOf('NETSEC006')).toBeLessThan(stdout.indexOf('NETSEC007'));
    expect(stdout.indexOf('NETSEC004')).toBeLessThan(stdout.indexOf('NETSEC006'));
  });

  test('a clean directory passes with no findings', () => {
    const run = cli(['analyze', 'clean']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Analyzed 4 files: 8 objects, 2 pods in 1 namespace, 3 NetworkPolicies.');
    expect(run.stdout).toContain('Findings: none.');
    expect(run.stdout).toContain('Result: pass: no finding at or above high.');
  });

  test('--fail-on none never fails on findings, but still prints them', () => {
    const run = cli(['analyze', '--fail-on', 'none', 'violations.yaml']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('NETSEC006');
    expect(run.stdout).toContain('Result: pass (--fail-on none).');
  });

  test('--fail-on critical passes when the worst finding is high; --fail-on medium counts the medium one', () => {
    expect(cli(['analyze', '--fail-on=critical', 'violations.yaml']).status).toBe(0);
    const medium = cli(['analyze', '--fail-on', 'MEDIUM', 'violations.yaml']);
    expect(medium.status).toBe(1);
    expect(medium.stdout).toContain('Result: fail: 3 findings at or above medium (--fail-on medium).');
  });

  test('--ignore takes identifiers and names, comma-separated or repeated, and leaves those rules out', () => {
    const run = cli(['analyze', '--ignore', 'NETSEC004,load-balancer-without-source-ranges', 'violations.yaml']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Ignored rules: NETSEC004, load-balancer-without-source-ranges.');
    expect(run.stdout).not.toContain('HIGH');
    expect(run.stdout).toContain('MEDIUM NETSEC007 nodeport-service');

    const repeated = cli(['analyze', '--ignore', 'NETSEC004', '--ignore', 'NETSEC006', '--ignore=nodeport-service', 'violations.yaml']);
    expect(repeated.status).toBe(0);
    expect(repeated.stdout).toContain('Findings: none.');
  });

  test('--ignore with a rule that does not exist is a usage error naming it and listing the catalogue', () => {
    const run = cli(['analyze', '--ignore', 'NETSEC999', 'violations.yaml']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('names no audit rule ("NETSEC999")');
    expect(run.stderr).toContain('NETSEC007 (nodeport-service)');
  });

  test('--matrix --port tcp/8080 prints who may reach whom on that port', () => {
    const run = cli(['analyze', 'clean', '--matrix', '--port', 'tcp/8080']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const heading = lines.indexOf('TCP 8080 (. allowed, X denied)');
    expect(heading).toBeGreaterThan(0);
    expect(lines.slice(heading + 1, heading + 4)).toEqual([
      'from \\ to shop/api shop/web',
      'shop/api  .        X', // api may not reach web
      'shop/web  .        .', // web may reach api
    ]);
  });

  test('--port without a protocol is TCP; a named port resolves per destination pod', () => {
    expect(cli(['analyze', 'clean', '--matrix', '--port', '8080']).stdout).toContain('TCP 8080 (. allowed, X denied)');
    const udp = cli(['analyze', 'clean', '--matrix', '--port', 'udp/8080']);
    expect(udp.stdout).toContain('shop/web  X        .');
    const named = cli(['analyze', 'clean', '--matrix', '--port', 'tcp/http']);
    expect(named.status).toBe(0);
    expect(named.stdout).toContain('TCP http (. allowed, X denied)');
  });

  test('--matrix without --port, and --port without --matrix, are usage errors that say what to add', () => {
    const noPort = cli(['analyze', 'clean', '--matrix']);
    expect(noPort.status).toBe(2);
    expect(noPort.stderr).toContain('--matrix: needs the port the matrix is about');
    expect(noPort.stderr).toContain('Add --port, e.g. --matrix --port tcp/8080');
    const noMatrix = cli(['analyze', 'clean', '--port', 'tcp/80']);
    expect(noMatrix.status).toBe(2);
    expect(noMatrix.stderr).toContain('only applies to --matrix');
  });

  test('a bad --port value is a usage error naming the value', () => {
    for (const [value, problem] of [['tcp/0', 'not a port number'], ['icmp/8', 'unknown protocol'], ['tcp/80-90', 'is a range'], ['tcp/Http!', 'is not a port']]) {
      const run = cli(['analyze', 'clean', '--matrix', '--port', value]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(problem);
      expect(run.stderr).toContain(JSON.stringify(value));
    }
  });

  test('--flows lists every allowed flow with its ports', () => {
    const run = cli(['analyze', 'diff/after.yaml', '--flows', '--fail-on', 'none']);
    expect(run.stdout).toContain([
      'Allowed flows (3):',
      '  shop/api -> 0.0.0.0-255.255.255.255 (external): TCP 443',
      '  shop/web -> shop/api: TCP 8080-8081',
      '  shop/web -> shop/db: TCP 5432',
    ].join('\n'));
  });

  test('--mermaid prints the flowchart in a mermaid code block', () => {
    const run = cli(['analyze', 'clean', '--mermaid']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain([
      '```mermaid',
      'flowchart LR',
      '  subgraph ns0["namespace shop"]',
      '    p0["api"]',
      '    p1["web"]',
      '  end',
      '  p1 -->|"TCP 8080"| p0',
      '```',
    ].join('\n'));
  });

  test('--json prints one document with files, pods, findings, summary, and flows, matrices and mermaid when asked', () => {
    const run = cli(['analyze', 'violations.yaml', 'clean/workloads/api.yaml', '--json', '--flows', '--matrix', '--port', 'tcp/8080', '--mermaid']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.files).toEqual(['violations.yaml', 'clean/workloads/api.yaml']);
    expect(report.pods).toEqual(['shop/api', 'shop/web']);
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(expect.arrayContaining(['NETSEC004', 'NETSEC006', 'NETSEC007']));
    const loadBalancer = report.findings.find((f: any) => f.ruleId === 'NETSEC006');
    expect(loadBalancer).toMatchObject({
      ruleName: 'load-balancer-without-source-ranges',
      severity: 'high',
      resource: 'Service shop/web-public',
      kind: 'Service',
      namespace: 'shop',
      name: 'web-public',
    });
    expect(typeof loadBalancer.message).toBe('string');
    expect(typeof loadBalancer.fix).toBe('string');
    expect(report.summary).toMatchObject({ high: 2, medium: 1, failOn: 'high', failing: 2, ignored: [] });
    // Default deny between pods; web's only egress is to 0.0.0.0/0, and web admits TCP 8080 from anywhere.
    expect(report.flows.map((f: any) => `${f.from} (${f.fromKind}) -> ${f.to} (${f.toKind}): ${f.description}`)).toEqual([
      'shop/web (pod) -> 0.0.0.0-255.255.255.255 (address-range): TCP 443',
      '0.0.0.0-255.255.255.255 (address-range) -> shop/web (pod): TCP 8080',
    ]);
    expect(report.matrices).toEqual([{ port: { protocol: 'TCP', port: 8080 }, pods: ['shop/api', 'shop/web'], allowed: [] }]);
    expect(report.mermaid).toMatch(/^flowchart LR\n/);
  });

  test('--json leaves out what was not asked for, and ports keep ranges as port and endPort', () => {
    const plain = JSON.parse(cli(['analyze', 'clean', '--json']).stdout);
    expect(Object.keys(plain)).toEqual(['files', 'objects', 'namespaces', 'pods', 'findings', 'summary']);
    expect(plain.findings).toEqual([]);
    const flows = JSON.parse(cli(['analyze', 'diff/after.yaml', '--json', '--flows']).stdout).flows;
    expect(flows[1]).toEqual({ from: 'shop/web', fromKind: 'pod', to: 'shop/api', toKind: 'pod', ports: [{ protocol: 'TCP', port: 8080, endPort: 8081 }], description: 'TCP 8080-8081' });
  });

  test('a directory is read recursively, its *.yaml files in sorted order', () => {
    const report = JSON.parse(cli(['analyze', 'clean', '--json']).stdout);
    expect(report.files).toEqual(['clean/namespace.yaml', 'clean/policies.yaml', 'clean/workloads/api.yaml', 'clean/workloads/web.yaml']);
    expect(report.objects).toBe(8);
  });

  test('input the library rejects exits 2 with its message: the object, the value, the fix', () => {
    const run = cli(['analyze', 'invalid-policy.yaml']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('NetworkPolicy shop/web: spec.egress[0].to[0].ipBlock.cidr is not a valid IPv4 or IPv6 CIDR ("10.0.0.0/33")');
  });

  test('bad YAML exits 2 naming the file, line and column', () => {
    const run = cli(['analyze', 'clean', 'invalid-yaml.yaml']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error: invalid-yaml\.yaml:4:\d+: is not valid YAML \(".+"\)\. Fix the YAML at that line/);
  });

  test('a missing path exits 2 naming it', () => {
    const run = cli(['analyze', 'no-such-dir']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no-such-dir: does not exist');
  });

  test('no paths, an unknown option, and an option missing its value are usage errors (exit 2)', () => {
    const none = cli(['analyze']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('needs the YAML to analyze');

    const unknown = cli(['analyze', '--colour', 'clean']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('cdk8s-netsec analyze: does not know this option ("--colour")');
    expect(unknown.stderr).toContain('Known options: --fail-on, --ignore');

    const missing = cli(['analyze', 'clean', '--fail-on']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--fail-on needs a value');

    const badSeverity = cli(['analyze', 'clean', '--fail-on', 'severe']);
    expect(badSeverity.status).toBe(2);
    expect(badSeverity.stderr).toContain('is not a severity ("severe"). Use low, medium, high, critical or none.');
  });

  test('--help prints the options and exits 0 without reading input', () => {
    const run = cli(['analyze', '--help', 'no-such-dir']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: cdk8s-netsec analyze [options] <paths...>');
    expect(run.stdout).toContain('--fail-on <severity>');
  });

  test('"-" reads standard input', () => {
    const stdin = 'apiVersion: v1\nkind: Service\nmetadata: { name: lb, namespace: shop }\nspec: { type: LoadBalancer }\n';
    const run = cli(['analyze', '-'], { stdin });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Analyzed 1 file: 1 object, 0 pods in 1 namespace, 0 NetworkPolicies.');
    expect(run.stdout).toContain('NETSEC006');
  });
});

describe('cdk8s-netsec analyze --matrix --addresses', () => {
  test('adds the address ranges to the matrix; without --matrix it is a usage error', () => {
    const run = cli(['analyze', 'violations.yaml', '--matrix', '--port', 'tcp/8080', '--addresses', '--fail-on', 'none']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('from \\ to               shop/web 0.0.0.0-255.255.255.255');
    expect(run.stdout).toContain('0.0.0.0-255.255.255.255 .        -');
    const json = JSON.parse(cli(['analyze', 'violations.yaml', '--json', '--matrix', '--port', 'tcp/443', '--addresses']).stdout);
    expect(json.matrices[0].addressRanges).toEqual(['0.0.0.0-255.255.255.255']);
    expect(json.matrices[0].allowed).toEqual([{ from: 'shop/web', to: '0.0.0.0-255.255.255.255' }]);
    expect(cli(['analyze', 'violations.yaml', '--addresses']).stderr).toContain('--addresses: only applies to --matrix');
  });
});
