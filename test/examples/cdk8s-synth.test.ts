/*
 * Every example is a standalone cdk8s app: the real cdk8s CLI synthesizes it, and every object in the
 * files it writes is schema-valid.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { validateAll } from '../util';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const NAMES = fs.readdirSync(EXAMPLES).filter((n) => fs.existsSync(path.join(EXAMPLES, n, 'cdk8s.yaml'))).sort();

describe('cdk8s synth on every example', () => {
  test('the examples folder holds the eight documented apps', () => {
    expect(NAMES).toEqual(['cilium-egress', 'cluster-guardrails', 'complete', 'egress-lockdown', 'gateway-edge', 'mesh-mtls', 'public-web', 'three-tier']);
  });

  test.each(NAMES)('%s synthesizes with the cdk8s CLI', (name) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `netsec-${name}-`));
    const result = spawnSync('npx', ['cdk8s', 'synth', '--output', out], {
      cwd: path.join(EXAMPLES, name),
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const documents = files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJSON()));
    expect(documents.filter((d) => d?.kind === 'NetworkPolicy').length).toBeGreaterThan(0);
    validateAll(documents.filter((d) => d));
    fs.rmSync(out, { recursive: true, force: true });
  }, 130_000);
});
