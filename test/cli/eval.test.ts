import { cli } from './run-cli';

describe('cdk8s-netsec eval', () => {
  test('an allowed connection prints the answer and the explanation and exits 0', () => {
    const run = cli(['eval', '--from', 'shop/web', '--to', 'shop/api', '--port', 'tcp/8080', 'clean']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe('shop/web -> shop/api on TCP 8080: allowed');
    expect(run.stdout).toMatch(/ {2}egress of shop\/web: allowed by shop\/[a-z0-9-]+ egress\[\d\]/);
    expect(run.stdout).toMatch(/ {2}ingress of shop\/api: allowed by shop\/[a-z0-9-]+ ingress\[\d\]/);
  });

  test('a denied connection exits 1 and says which side denies it', () => {
    const run = cli(['eval', '--from', 'shop/api', '--to', 'shop/web', '--port', '8080', 'clean']);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('shop/api -> shop/web on TCP 8080: denied');
    expect(run.stdout).toContain('denied: isolated by');
  });

  test('an address outside the cluster as either end; --json carries both sides', () => {
    const out = cli(['eval', '--from', 'shop/web', '--to', '203.0.113.7', '--port', 'tcp/443', '--json', 'violations.yaml']);
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ from: 'shop/web', to: '203.0.113.7', port: { protocol: 'TCP', port: 443 }, allowed: true });
    expect(report.ingress.outsideCluster).toBe(true);
    expect(report.egress.allowedBy).toEqual(['shop/web egress[0]']);
    expect(cli(['eval', '--from', '198.51.100.1', '--to', 'shop/web', '--port', 'tcp/8080', 'violations.yaml']).status).toBe(0);
    expect(cli(['eval', '--from', '198.51.100.1', '--to', 'shop/web', '--port', 'tcp/8081', 'violations.yaml']).status).toBe(1);
  });

  test('usage and input errors exit 2 with what to fix, before any file is read', () => {
    const missing = cli(['eval', '--from', 'shop/web', 'clean']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('Error: cdk8s-netsec eval: needs --to, --port ("--from shop/web clean"). Write cdk8s-netsec eval --from <ns/pod|ip> --to <ns/pod|ip> --port tcp/443 <paths...>.\n');
    const bad = cli(['eval', '--from', 'a/b/c', '--to', 'shop/api', '--port', 'tcp/1', 'clean']);
    expect(bad.stderr).toBe('Error: cdk8s-netsec eval --from: is neither namespace/pod nor an IP address ("a/b/c"). Write a pod as namespace/pod (e.g. shop/web), or an address such as 203.0.113.7.\n');
    expect(cli(['eval', '--from', 'shop/web', '--to', 'shop/api', '--port', 'tcp/1']).stderr).toContain('needs the manifests to evaluate');
    const unknown = cli(['eval', '--from', 'shop/nope', '--to', 'shop/api', '--port', 'tcp/1', 'clean']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('names a pod that is not modelled ("shop/nope"). Pods modelled in namespace "shop": api, web.');
    expect(cli(['eval', '--from', 'shop/web', '--to', 'shop/api', '--port', 'tcp/1-2', 'clean']).status).toBe(2);
    expect(cli(['help', 'eval']).stdout).toContain('Exit status: 0 allowed; 1 denied; 2 usage error');
  });

  test('--from ingress-controller asks as the ingress data plane', () => {
    const run = cli(['eval', '--from', 'ingress-controller', '--to', 'shop/web', '--port', 'tcp/8080', 'violations.yaml']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('{ingress-controller} -> shop/web on TCP 8080: allowed');
  });

  test('policy parts that were not analysed are listed on stderr next to the answer', () => {
    const cnp = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x', labels: { app: 'a' } }, spec: { containers: [] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'x', labels: { app: 'b' } }, spec: { containers: [] } },
        { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'deny', namespace: 'x' }, spec: { endpointSelector: {}, ingressDeny: [{ fromEntities: ['all'] }] } },
      ],
    });
    const run = cli(['eval', '--from', 'x/a', '--to', 'x/b', '--port', 'tcp/80', '-'], { stdin: cnp });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('Note: 1 policy part was read but not analysed; the answer does not account for them:\n'
      + '  x/deny (CiliumNetworkPolicy): spec.ingressDeny: not evaluated (deny rules would take precedence over allows)\n');
  });
});

