import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { cli } from './run-cli';
import { buildThreeTier } from '../../examples/three-tier/main';
import { IsolatedTier, Port } from '../../src';

/*
 * The CLI on what `cdk8s synth` writes for IsolatedTiers: NetworkPolicies without workloads. Pods are
 * inferred from the policies' selectors by default, so flows and the matrix are judged from the YAML.
 */

/** Synthesizes the three-tier example into a new directory; `change` may add intent first. */
function synthThreeTier(change?: (chart: Chart) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-cli-'));
  const app = new App({ outdir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const chart = buildThreeTier(app);
  change?.(chart);
  app.synth();
  return outdir;
}

describe('analyze and diff on synthesized tier output', () => {
  const dir = synthThreeTier();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('pods are inferred from the policies: the matrix shows the declared flow and denies the rest', () => {
    const run = cli(['analyze', '--json', '--matrix', '--port', 'tcp/9090', '--flows', dir]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.pods).toEqual(['data/db', 'shop/api', 'shop/web']);
    const flows = report.flows.map((f: any) => `${f.from} -> ${f.to}: ${f.description}`);
    expect(flows).toContain('shop/web -> shop/api: TCP 9090');
    expect(flows).toContain('shop/api -> data/db: TCP 5432');
    expect(flows).not.toContainEqual(expect.stringMatching(/^shop\/web -> data\/db/));
    expect(report.matrices).toHaveLength(1);
    expect(report.matrices[0].allowed).toEqual([{ from: 'shop/web', to: 'shop/api' }]);
  });

  test('--no-infer-pods models only workloads: none here', () => {
    const report = JSON.parse(cli(['analyze', '--json', '--no-infer-pods', dir]).stdout);
    expect(report.pods).toEqual([]);
  });

  test('diff of two synthesized outputs: a new flow from web to the database is reported with its port', () => {
    const changed = synthThreeTier((chart) => {
      const tier = (id: string) => chart.node.findChild(id) as IsolatedTier;
      tier('db').allowFrom(tier('web'), Port.tcp(5432));
    });
    try {
      const run = cli(['diff', '--json', '--fail-on-change', dir, changed]);
      expect(run.status).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.opened.map((f: any) => [f.from, f.to, f.description, f.wholeFlow])).toEqual([['shop/web', 'data/db', 'TCP 5432', true]]);
      expect(report.closed).toEqual([]);
      expect(cli(['diff', dir, dir]).status).toBe(0);
    } finally {
      fs.rmSync(changed, { recursive: true, force: true });
    }
  });
});
