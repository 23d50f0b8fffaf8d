import { readFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// madge ships no types that fit its CommonJS export; only `obj()` and `circular()` are used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const madge: (root: string, config: object) => Promise<{ obj(): Record<string, string[]>; circular(): string[][]; warnings(): { skipped: string[] } }> = require('madge');

/*
 * The shape of src/ that DESIGN.md promises: no import cycles (type-only imports count: they couple the
 * modules just as much), an index that only re-exports, and an analyzer that reads manifests rather than
 * constructs.
 */

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

/** The analyzer modules allowed to know constructs: the chart reader and the facade that calls it. */
const ANALYSIS_CONSTRUCT_READERS = new Set(['analysis/input/tiers.ts', 'analysis/reachability.ts']);

let graph: Record<string, string[]>;
let cycles: string[][];
let skipped: string[];

beforeAll(async () => {
  const result = await madge(SRC, {
    fileExtensions: ['ts'],
    tsConfig: path.join(ROOT, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
  });
  graph = result.obj();
  cycles = result.circular();
  skipped = result.warnings().skipped;
});

function source(file: string): string {
  return readFileSync(path.join(SRC, file), 'utf8');
}

/** A module that builds or reads the construct tree: it imports cdk8s or constructs, and is not a value type in core/. */
function isConstructModule(file: string): boolean {
  if (file.startsWith('core/') || file.startsWith('analysis/')) return false;
  return /from '(cdk8s|constructs)'/.test(source(file));
}

test('madge resolves every import of src/ (an unresolved import would hide its edges)', () => {
  expect(skipped).toEqual([]);
  // A sanity check that the graph is the real one: the index reaches the public constructs.
  expect(graph['index.ts']).toEqual(expect.arrayContaining(['tiers/tier.ts', 'edge/secure-ingress.ts', 'analysis/index.ts']));
});

test('src/ has no import cycles, type-only imports included', () => {
  expect(cycles.map((cycle) => [...cycle, cycle[0]].join(' -> '))).toEqual([]);
});

test('a type-only import is an edge of the graph (so a type-only cycle would be found)', () => {
  // render/network-policy.ts imports IntentModel with `import type` only.
  expect(source('render/network-policy.ts')).toMatch(/^import type \{[^}]*IntentModel[^}]*\} from '\.\.\/model\/intent-model';$/m);
  expect(graph['render/network-policy.ts']).toContain('model/intent-model.ts');
});

test('src/index.ts only re-exports', () => {
  const file = ts.createSourceFile('index.ts', source('index.ts'), ts.ScriptTarget.Latest, true);
  const others = file.statements
    .filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined))
    .map((s) => s.getText(file));
  expect(others).toEqual([]);
  expect(file.statements.length).toBeGreaterThan(0);
});

test('only the chart reader and the Reachability facade of src/analysis import construct modules', () => {
  const offending: string[] = [];
  for (const [file, imports] of Object.entries(graph)) {
    if (!file.startsWith('analysis/') || ANALYSIS_CONSTRUCT_READERS.has(file)) continue;
    for (const imported of imports) if (isConstructModule(imported)) offending.push(`${file} -> ${imported}`);
  }
  expect(offending).toEqual([]);
  // The rule is not vacuous: the chart reader does import the IsolatedTier construct.
  expect(graph['analysis/input/tiers.ts']).toContain('tiers/tier.ts');
  expect(isConstructModule('tiers/tier.ts')).toBe(true);
});
