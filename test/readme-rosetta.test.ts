import * as fs from 'fs';
import * as path from 'path';
import * as library from '../src';

/*
 * `npx projen rosetta` (part of post-compile, so of every build) compiles the README's, the API docs' and
 * docs/*.md's TypeScript snippets with jsii-rosetta in strict mode, completed by rosetta/default.ts-fixture.
 * These checks keep the fixture honest without a compiled assembly: it offers every value the package
 * exports, so a snippet may use a new construct without importing it, as the README's later blocks do.
 */

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = fs.readFileSync(path.join(ROOT, 'rosetta', 'default.ts-fixture'), 'utf8');

/** The names the fixture destructures from one declared module: `const { A, B } = <module>;`. */
function destructured(module: string): string[] {
  const match = FIXTURE.match(new RegExp(`const \\{([^}]*)\\} = ${module};`));
  if (!match) throw new Error(`rosetta/default.ts-fixture destructures nothing from ${module}`);
  return match[1].split(',').map((name) => name.trim()).filter((name) => name.length > 0).sort();
}

describe('rosetta/default.ts-fixture', () => {
  test('offers every value cdk8s-netsec exports, and nothing else', () => {
    expect(destructured('netsec')).toEqual(Object.keys(library).sort());
  });

  test('declares the modules instead of importing them whole (an import alias would leak into the Python)', () => {
    expect(FIXTURE).toMatch(/^declare const netsec: typeof import\('cdk8s-netsec'\);$/m);
    expect(FIXTURE).not.toMatch(/^import \* as/m);
  });

  test('has the one place a snippet goes', () => {
    expect(FIXTURE.match(/\/\/\/ here/g)).toHaveLength(1);
  });
});
