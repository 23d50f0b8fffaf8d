import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { cli } from './run-cli';
import { buildThreeTier } from '../../examples/three-tier/main';

/*
 * The CLI on what `cdk8s synth` writes for IsolatedTiers: NetworkPolicies without workloads. Pods are
 * inferred from the policies' selectors by default, so flows and the matrix are judged from the YAML.
 */

function synthThreeTier(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-cli-'));
  const app = new App({ outdir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildThreeTier(app);
  app.synth();
  return outdir;
}

describe('analyze on synthesized tier output', () => {
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
  });

  test('--no-infer-pods models only workloads: none here', () => {
    const report = JSON.parse(cli(['analyze', '--json', '--no-infer-pods', dir]).stdout);
    expect(report.pods).toEqual([]);
  });
});
