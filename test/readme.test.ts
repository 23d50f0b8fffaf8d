import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as library from '../src';
import { NetsecAssertions } from '../src';

/*
 * The README's TypeScript blocks are what users copy. Each block is type-checked against the library's
 * source as the package `cdk8s-netsec` (blocks may use names an earlier block made: `chart`, `web`,
 * `api`, `db`), and the first block, the app every reader starts from, is run and must pass its own
 * audit with no finding at all.
 */

const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The ```ts blocks of the README, with the line each starts on. */
function tsBlocks(): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * What a reader has in scope when a block does not import it: the library's and cdk8s's names, and the
 * objects earlier blocks made.
 */
function contextFor(imported: Set<string>): string[] {
  const unimported = (names: string[]) => names.filter((n) => !imported.has(n));
  const netsec = unimported(Object.keys(library).sort());
  const cdk8s = unimported(['App', 'Chart', 'Testing']);
  return [
    ...(netsec.length > 0 ? [`import { ${netsec.join(', ')} } from 'cdk8s-netsec';`] : []),
    ...(cdk8s.length > 0 ? [`import { ${cdk8s.join(', ')} } from 'cdk8s';`] : []),
    "import * as netsecTypes from 'cdk8s-netsec';",
    "declare const app: import('cdk8s').App;",
    "declare const chart: import('cdk8s').Chart;",
    'declare const web: netsecTypes.IsolatedTier;',
    'declare const api: netsecTypes.IsolatedTier;',
    'declare const db: netsecTypes.IsolatedTier;',
  ];
}

/** One module per block: the block's imports on top, its statements in a scope of their own. */
function moduleOf(code: string): string {
  const lines = code.split('\n');
  const imports = lines.filter((l) => /^import /.test(l));
  const body = lines.filter((l) => !/^import /.test(l));
  const names = new Set(imports.flatMap((l) => [...(l.match(/\{([^}]*)\}/)?.[1].split(',') ?? []), l.match(/\* as (\w+)/)?.[1] ?? '']
    .map((n) => n.trim()).filter((n) => n.length > 0)));
  return [...imports, ...contextFor(names), '{', ...body, '}', 'export {};'].join('\n');
}

function typeCheck(sources: { [file: string]: string }): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    skipLibCheck: true,
    baseUrl: ROOT,
    paths: { 'cdk8s-netsec': ['src/index.ts'] },
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (file, language) => sources[file] !== undefined
    ? ts.createSourceFile(file, sources[file], language) : getSourceFile.call(host, file, language);
  const fileExists = host.fileExists;
  host.fileExists = (file) => sources[file] !== undefined || fileExists.call(host, file);
  const program = ts.createProgram(Object.keys(sources), options, host);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && sources[d.file.fileName] !== undefined)
    .map((d) => `${path.basename(d.file!.fileName)}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('README', () => {
  test('every TypeScript block compiles against the library', () => {
    const blocks = tsBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const sources = Object.fromEntries(blocks.map((b) => [path.join(ROOT, `README.line${b.line}.ts`), moduleOf(b.code)]));
    expect(typeCheck(sources)).toEqual([]);
  }, 120_000);

  test('a block that misuses the API is reported (the check can fail)', () => {
    const file = path.join(ROOT, 'README.broken.ts');
    const errors = typeCheck({ [file]: moduleOf("import { Port } from 'cdk8s-netsec';\nPort.tcp('80');") });
    expect(errors.join('\n')).toMatch(/README\.broken\.ts:\d+: Argument of type 'string' is not assignable/);
  }, 120_000);

  test('the first app runs and passes its own audit with no finding', () => {
    const first = tsBlocks()[0].code;
    const js = ts.transpileModule(`${first}\nmodule.exports = { chart };`, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText
      .replace(/require\("cdk8s-netsec"\)/g, `require(${JSON.stringify(path.join(ROOT, 'src'))})`);
    const module = { exports: {} as any };
    new Function('module', 'exports', 'require', js)(module, module.exports, require);
    NetsecAssertions.fromChart(module.exports.chart).hasNoFindings();
  });
});
