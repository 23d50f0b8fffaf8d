import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readManifestInput } from '../../src/cli/input';

/** A scratch directory with the given files (path -> content), removed after each test. */
let scratch: string;
function files(contents: Record<string, string>): string {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-cli-'));
  for (const [name, text] of Object.entries(contents)) {
    fs.mkdirSync(path.dirname(path.join(scratch, name)), { recursive: true });
    fs.writeFileSync(path.join(scratch, name), text);
  }
  return scratch;
}
afterEach(() => scratch && fs.rmSync(scratch, { recursive: true, force: true }));

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('readManifestInput', () => {
  test('a directory contributes its *.yaml, *.yml and *.json files recursively, sorted, and nothing else; YAML documents that are not objects are skipped and listed', () => {
    const cwd = files({
      'out/b.yaml': ns('b'),
      'out/a.yml': ns('a'),
      'out/sub/c.YAML': ns('c'),
      'out/Z.yaml': ns('z'),
      'out/notes.txt': 'not yaml',
      'out/values.yaml': 'replicas: 2\n',
      'out/chart.json': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } }),
    });
    const input = readManifestInput(['out'], { cwd });
    expect(input.files).toEqual(['out/Z.yaml', 'out/a.yml', 'out/b.yaml', 'out/chart.json', 'out/sub/c.YAML', 'out/values.yaml']);
    expect(input.objects.map(o => o.metadata.name)).toEqual(['z', 'a', 'b', 'j', 'c']);
    expect(input.origins.slice(0, 3)).toEqual(['out/Z.yaml, document 1', 'out/a.yml, document 1', 'out/b.yaml, document 1']);
    expect(input.skipped).toEqual(['out/values.yaml, document 1: not a Kubernetes object (an object without kind; keys: replicas)']);
  });

  test('in a directory, a JSON file without Kubernetes objects (cdk8s construct-metadata.json) is ignored quietly; named explicitly it is an error', () => {
    const metadata = JSON.stringify({ version: '1.0.0', resources: { 'shop-web-c8aa': { path: 'shop/web/Resource' } } });
    const cwd = files({ 'dist/shop.k8s.yaml': ns('shop'), 'dist/construct-metadata.json': metadata, 'dist/report.json': '[1, 2]' });
    const input = readManifestInput(['dist'], { cwd });
    expect(input.files).toEqual(['dist/shop.k8s.yaml']);
    expect(input.objects.map(o => o.metadata.name)).toEqual(['shop']);
    expect(input.skipped).toEqual([]);
    expect(() => readManifestInput(['dist/construct-metadata.json'], { cwd })).toThrow(/construct-metadata\.json/);
  });

  test('files keep the order given; a file given twice (also through its directory) is read once', () => {
    const cwd = files({ 'd/one.yaml': ns('one'), 'd/two.yaml': ns('two') });
    const input = readManifestInput(['d/two.yaml', 'd', './d/one.yaml'], { cwd });
    expect(input.files).toEqual(['d/two.yaml', 'd/one.yaml']);
  });

  test('multi-document files: every document in order, empty documents (a trailing ---) skipped, Lists kept whole', () => {
    const cwd = files({ 'all.yaml': `---\n${ns('a')}---\n${ns('b')}---\n` });
    expect(readManifestInput(['all.yaml'], { cwd }).objects.map(o => o.metadata.name)).toEqual(['a', 'b']);
  });

  test('YAML errors name the file, line and column', () => {
    const cwd = files({ 'broken.yaml': `${ns('a')}---\nkind: Pod\nmetadata:\n  labels: {app: web\n` });
    expect(() => readManifestInput(['broken.yaml'], { cwd })).toThrow(/^broken\.yaml:\d+:\d+: is not valid YAML \(".+"\)\./);
    try {
      readManifestInput(['broken.yaml'], { cwd });
    } catch (error: any) {
      const line = Number(/^broken\.yaml:(\d+):/.exec(error.message)![1]);
      expect(line).toBeGreaterThanOrEqual(8);
    }
  });

  test('a document that is not a Kubernetes object is named with its file and line', () => {
    const cwd = files({ 'odd.yaml': `${ns('a')}---\n- just\n- a list\n` });
    expect(() => readManifestInput(['odd.yaml'], { cwd }))
      .toThrow('odd.yaml:6: holds a document that is not a Kubernetes object ("a list of 2 items"). Each YAML document must be one object with apiVersion, kind and metadata.');
    const scalar = files({ 'scalar.yaml': 'hello\n' });
    expect(() => readManifestInput(['scalar.yaml'], { cwd: scalar })).toThrow('scalar.yaml:1: holds a document that is not a Kubernetes object ("hello")');
  });

  test('missing paths and directories without YAML are errors that say what to give', () => {
    const cwd = files({ 'empty/readme.md': '#' });
    expect(() => readManifestInput(['nope.yaml'], { cwd })).toThrow(/^nope\.yaml: does not exist \(".+nope\.yaml"\)\. Give a YAML or JSON file or a directory/);
    expect(() => readManifestInput(['empty'], { cwd })).toThrow(/^empty: is a directory without \*\.yaml, \*\.yml or \*\.json files/);
  });

  test('"-" reads standard input when it is available', () => {
    expect(readManifestInput(['-'], { cwd: '/', readStdin: () => ns('piped') }).objects[0].metadata.name).toBe('piped');
    expect(() => readManifestInput(['-'], { cwd: '/' })).toThrow('standard input is not available');
  });

  test('JSON files and JSON on standard input are read like YAML, kubectl lists included', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
    const cwd = files({ 'ns.json': list, 'pods.yaml': ns('c') });
    const input = readManifestInput(['ns.json', 'pods.yaml'], { cwd });
    expect(input.objects.map(o => o.kind)).toEqual(['NamespaceList', 'Namespace']);
    expect(input.origins).toEqual(['ns.json, document 1', 'pods.yaml, document 1']);
    const piped = readManifestInput(['-'], { cwd: '/', readStdin: () => `  ${list}` });
    expect(piped.objects[0].items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
    expect(readManifestInput(['-'], { cwd: '/', readStdin: () => JSON.stringify([JSON.parse(list)]) }).origins).toEqual(['-, document 1 [0]']);
  });

  test('YAML 1.2 documents as kubectl and other tools write them: flow style, quoted keys, comments, an explicit %YAML header', () => {
    const cwd = files({ 'a.yaml': '%YAML 1.2\n---\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}} # json-style\n---\n# only a comment\n' });
    expect(readManifestInput(['a.yaml'], { cwd }).objects.map(o => o.metadata.name)).toEqual(['a']);
  });

  test('anchors, aliases and merge keys, as kubectl accepts them', () => {
    const pod = (name: string, labels: string) => `  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: ${name}\n      labels: ${labels}\n`;
    const text = `apiVersion: v1\nkind: List\nitems:\n${pod('p', '&common\n        app: web\n        tier: front')}${pod('q', '\n        <<: *common\n        tier: back')}`;
    const cwd = files({ 'pods.yaml': text, 'cross.yaml': `${ns('a')}  labels: &l { x: y }\n---\n${ns('b')}  labels: *l\n` });
    expect(readManifestInput(['pods.yaml'], { cwd }).objects[0].items.map((o: any) => o.metadata.labels)).toEqual([{ app: 'web', tier: 'front' }, { app: 'web', tier: 'back' }]);
    // Anchors do not cross documents: reported with the file and line, not a crash.
    expect(() => readManifestInput(['cross.yaml'], { cwd })).toThrow(/^cross\.yaml:\d+: (is not valid YAML|holds a document that cannot be resolved)/);
  });

  test('every unreadable file and document is reported in one error; failFast stops at the first', () => {
    const cwd = files({ 'bad.json': '{ "kind": ', 'bad.yaml': `${ns('a')}---\nkind: [\n`, 'good.yaml': ns('b') });
    expect(() => readManifestInput(['bad.json', 'bad.yaml', 'good.yaml', 'missing.yaml'], { cwd }))
      .toThrow(/^cdk8s-netsec: found 3 problems in the input; every other document was read \(3\)\. Fix each of them:\n- missing\.yaml: does not exist .*\n- bad\.json: is not valid JSON .*\n- bad\.yaml:\d+:\d+: is not valid YAML/);
    expect(() => readManifestInput(['bad.json', 'bad.yaml'], { cwd, failFast: true })).toThrow(/^bad\.json: is not valid JSON \(".+"\)\. Fix the JSON/);
  });
});

