/*
 * Every example can be copied out of the repository as a standalone cdk8s app: it imports the library as
 * the package `cdk8s-netsec` (only its public names), nothing else of the repository, and no package its
 * README does not tell the reader to install. Inside the repository, that name means the sources with no
 * build step (examples/tsconfig.json `paths` and its ts-node require hook).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const PACKAGE = 'cdk8s-netsec';
/** The dependencies of a `cdk8s init typescript-app` project that an example may import without saying so. */
const FROM_THE_TEMPLATE = ['cdk8s', 'constructs'];

/**
 * Repository tools under examples/ allowed to reach into the sources, each import named. examples/exposure.ts
 * writes the exposure tables of the READMEs with the CLI's Markdown renderer, which is not public.
 */
const INTERNAL_TOOL_IMPORTS: { [file: string]: string[] } = {
  'examples/exposure.ts': ['../src/analysis/report/exposure-report'],
};

/** Every file under `dir` whose name ends with `suffix`, as repository-relative paths (build output skipped). */
function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['dist', 'imports', 'node_modules', '__pycache__'].includes(entry.name) ? [] : filesUnder(full, suffix);
    return entry.name.endsWith(suffix) ? [path.relative(ROOT, full)] : [];
  }).sort();
}

/** The names src/index.ts exports (values and types), as the package's users see them. */
function publicNames(): Set<string> {
  const index = path.join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([index], { module: ts.ModuleKind.Node16, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.name));
}

interface ModuleReference {
  readonly specifier: string;
  /** Named imports of an `import { ... } from` or `export { ... } from`; undefined for the other forms. */
  readonly names?: string[];
  readonly defaultImport: boolean;
}

/** Every module a TypeScript file refers to: imports, re-exports, `import x = require()`, `require()`, `import()`. */
function moduleReferences(file: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const bindings = node.importClause?.namedBindings;
      found.push({
        specifier: node.moduleSpecifier.text,
        names: bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : undefined,
        defaultImport: node.importClause?.name !== undefined,
      });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      found.push({
        specifier: node.moduleSpecifier.text,
        names: clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : undefined,
        defaultImport: false,
      });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
      && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, defaultImport: false });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push({ specifier: node.arguments[0].text, defaultImport: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for a path. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

/**
 * What keeps `file` (repository-relative) from being copied out: a path into the sources or out of its
 * example, a deep or non-public import of the package, a package a user's app would not have.
 */
function importProblems(file: string, text: string, names: Set<string>): string[] {
  const problems: string[] = [];
  // An example app (examples/<name>/...) stays inside its folder; a tool at examples/ stays inside examples/.
  const parts = file.split(path.sep);
  const home = path.join(ROOT, ...parts.slice(0, parts.length > 2 ? 2 : 1));
  for (const ref of moduleReferences(file, text)) {
    const s = ref.specifier;
    if ((INTERNAL_TOOL_IMPORTS[file] ?? []).includes(s)) continue;
    const pkg = packageOf(s);
    if (pkg === undefined) {
      const target = path.resolve(ROOT, path.dirname(file), s);
      if (path.isAbsolute(s) || path.relative(home, target).startsWith('..')) {
        problems.push(`${file}: imports '${s}' (${path.relative(ROOT, target)}), outside ${path.relative(ROOT, home)}/; import '${PACKAGE}' instead`);
      }
    } else if (pkg === PACKAGE) {
      if (s !== PACKAGE) problems.push(`${file}: imports '${s}', a path inside the package; import '${PACKAGE}'`);
      if (ref.defaultImport) problems.push(`${file}: default import of '${PACKAGE}', which has no default export`);
      for (const name of ref.names ?? []) {
        if (!names.has(name)) problems.push(`${file}: imports '${name}' from '${PACKAGE}', which src/index.ts does not export`);
      }
    } else if (!isBuiltin(s) && !FROM_THE_TEMPLATE.includes(pkg) && !/^cdk8s-plus-\d+$/.test(pkg)) {
      problems.push(`${file}: imports '${pkg}', which neither the cdk8s template nor its README installs`);
    }
  }
  return problems;
}

const NAMES = publicNames();
const TS_FILES = filesUnder(EXAMPLES, '.ts');
const APPS = TS_FILES.filter((f) => f.endsWith(`${path.sep}main.ts`));
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('examples are standalone apps', () => {
  test('the check sees every example app and tool', () => {
    expect(APPS).toHaveLength(8);
    expect(TS_FILES).toEqual(expect.arrayContaining(['examples/diagrams.ts', 'examples/exposure.ts', 'examples/complete/main.ts']));
    expect([...NAMES]).toEqual(expect.arrayContaining(['IsolatedTier', 'Reachability', 'IsolatedTierProps', 'IPeer']));
    expect(NAMES.has('exposureMarkdown')).toBe(false);
  });

  test.each(TS_FILES)('%s imports the library only as cdk8s-netsec, by public names', (file) => {
    expect(importProblems(file, read(file), NAMES)).toEqual([]);
  });

  test.each(APPS)('%s imports its constructs from cdk8s-netsec', (file) => {
    const refs = moduleReferences(file, read(file)).filter((r) => r.specifier === PACKAGE);
    expect(refs).toHaveLength(1);
    expect(refs[0].names!.length).toBeGreaterThan(0);
  });

  test('each internal import a tool is allowed is one it makes, so the exceptions cannot go stale', () => {
    for (const [file, allowed] of Object.entries(INTERNAL_TOOL_IMPORTS)) {
      const specifiers = moduleReferences(file, read(file)).map((r) => r.specifier);
      expect(specifiers).toEqual(expect.arrayContaining(allowed));
    }
  });

  test.each([
    ['examples/complete/main.ts', "import { Port } from '../../src';", "imports '../../src' (src), outside examples/complete/"],
    ['examples/complete/main.ts', "import { Port } from '../../src/core/port';", "imports '../../src/core/port' (src/core/port), outside examples/complete/"],
    ['examples/complete/main.ts', "import { Port } from '../../lib';", "imports '../../lib' (lib), outside examples/complete/"],
    ['examples/complete/main.ts', "const netsec = require('../../src');", "imports '../../src' (src), outside examples/complete/"],
    ['examples/complete/main.ts', "export { Port } from '../../src';", "imports '../../src' (src), outside examples/complete/"],
    ['examples/complete/main.ts', "import netsec = require('../../src/index');", "imports '../../src/index' (src/index), outside examples/complete/"],
    ['examples/complete/main.ts', "const m = import('../three-tier/main');", "imports '../three-tier/main' (examples/three-tier/main), outside examples/complete/"],
    ['examples/complete/main.ts', `import { Port } from '${path.join(ROOT, 'src')}';`, 'outside examples/complete/'],
    ['examples/diagrams.ts', "import { Reachability } from '../src';", "imports '../src' (src), outside examples/"],
    ['examples/diagrams.ts', "import { exposureMarkdown } from '../src/analysis/report/exposure-report';", 'outside examples/'],
    ['examples/complete/main.ts', "import { Port } from 'cdk8s-netsec/lib/core/port';", "a path inside the package; import 'cdk8s-netsec'"],
    ['examples/complete/main.ts', "import { exposureMarkdown } from 'cdk8s-netsec';", "imports 'exposureMarkdown' from 'cdk8s-netsec', which src/index.ts does not export"],
    ['examples/complete/main.ts', "import { Port as P, TierGraph } from 'cdk8s-netsec';", "imports 'TierGraph' from 'cdk8s-netsec'"],
    ['examples/complete/main.ts', "import netsec from 'cdk8s-netsec';", "default import of 'cdk8s-netsec'"],
    ['examples/complete/main.ts', "import * as _ from 'lodash';", "imports 'lodash', which neither the cdk8s template nor its README installs"],
  ])('the check refuses, in %s: %s', (file, code, problem) => {
    const problems = importProblems(file, code, NAMES);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  test('the check accepts what a user app imports', () => {
    const code = [
      "import * as fs from 'fs';", "import * as path from 'node:path';", "import { App, Chart } from 'cdk8s';",
      "import * as kplus from 'cdk8s-plus-33';", "import { Construct } from 'constructs';",
      "import { IsolatedTier, Port as P, type IPeer } from 'cdk8s-netsec';", "import * as netsec from 'cdk8s-netsec';",
      "import { helper } from './helper';",
    ].join('\n');
    expect(importProblems('examples/complete/main.ts', code, NAMES)).toEqual([]);
  });

  test.each(filesUnder(path.join(EXAMPLES, 'python'), '.py'))('%s imports the Python package by name, no path', (file) => {
    const text = read(file);
    expect(text).toMatch(/^from cdk8s_netsec import /m);
    expect(text).not.toMatch(/sys\.path|importlib|PYTHONPATH|\.\.\/(src|lib|dist)/);
  });

  test.each(APPS.map((f) => path.basename(path.dirname(f))))('examples/%s/README.md says how to copy it out', (name) => {
    const readme = read(path.join('examples', name, 'README.md'));
    expect(readme).toContain('## Copy it into your own app');
    expect(readme).toContain('cdk8s init typescript-app');
    expect(readme).toContain(`cp <this repository>/examples/${name}/main.ts main.ts`);
    // The install line names every package main.ts imports that the cdk8s template does not bring.
    const install = readme.match(/^npm install (.*?)\s*(#.*)?$/m)?.[1].split(/\s+/) ?? [];
    const needed = moduleReferences(name, read(path.join('examples', name, 'main.ts'))).map((r) => packageOf(r.specifier))
      .filter((p): p is string => p !== undefined && !isBuiltin(p) && !FROM_THE_TEMPLATE.includes(p));
    expect(needed).toContain(PACKAGE);
    expect(install).toEqual(expect.arrayContaining(needed));
  });
});

describe('in this repository, the package name is the sources', () => {
  test('examples/tsconfig.json maps cdk8s-netsec to src/index.ts for the type checker and for ts-node', () => {
    const config = JSON.parse(read('examples/tsconfig.json'));
    expect(config.compilerOptions.paths).toEqual({ [PACKAGE]: ['../src/index.ts'] });
    expect(config['ts-node'].require).toEqual(['./resolve-package.js']);
    const checkConfig = JSON.parse(read('tsconfig.check.json'));
    expect(checkConfig.compilerOptions.paths).toEqual({ [PACKAGE]: ['./src/index.ts'] });
  });

  test.each(APPS.map((f) => path.dirname(f)))('%s/cdk8s.yaml runs main.ts with that tsconfig', (dir) => {
    expect(read(path.join(dir, 'cdk8s.yaml'))).toMatch(/^app: npx ts-node -P \.\.\/tsconfig\.json -T main\.ts$/m);
  });

  test('ts-node with examples/tsconfig.json resolves cdk8s-netsec to the sources, not to lib/', () => {
    // From an example's folder, as `cdk8s synth` runs it. Without the hook, Node resolves the package's own
    // name through its `exports` to lib/index.js: missing on a fresh clone, stale after an edit.
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-p', `require.resolve('${PACKAGE}')`], {
      cwd: path.join(EXAMPLES, 'three-tier'),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TS_NODE_PROJECT: path.join(EXAMPLES, 'tsconfig.json') },
    });
    expect({ status: result.status, stdout: result.stdout.trim(), stderr: result.stderr }).toEqual({
      status: 0, stdout: path.join(ROOT, 'src', 'index.ts'), stderr: '',
    });
  }, 60_000);
});
