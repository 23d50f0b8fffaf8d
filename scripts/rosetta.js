#!/usr/bin/env node
// Compiles every TypeScript snippet users read with jsii-rosetta in strict mode, and fails on the first
// one that does not compile: the README and the `@example`s of the compiled assembly (.jsii), whose
// translations jsii-pacmak puts on the Python package page and into the Python docstrings, and the
// ```ts blocks of docs/*.md, which only GitHub shows but which readers copy all the same.
//
// Snippets are completed with rosetta/default.ts-fixture (or `fixture=<name>` on the fence), as jsii-rosetta
// does for the assembly. They compile in a directory whose node_modules link this package and what a
// snippet may import (cdk8s, constructs, the cdk8s-plus lines a user's app installs, Node's types for
// `console`), so nothing is installed from a registry.
//
// Writes the implicit tablet `.jsii.tabl.json` next to `.jsii`, which jsii-pacmak reads when it builds the
// Python package. Usage: node scripts/rosetta.js [--python] [--no-docs]: --python prints the README's
// Python; --no-docs compiles only what the package carries (the wheel build, scripts/build-package.sh).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SNIPPET_PACKAGES = ['cdk8s', 'constructs', 'cdk8s-plus-28', 'cdk8s-plus-33', '@types/node'];

const rosettaLib = path.dirname(require.resolve('jsii-rosetta', { paths: [ROOT] }));
const rosetta = require(rosettaLib);
// jsii-rosetta's own markdown reader and fixture loader, which its package does not export: docs/*.md
// snippets are read and completed exactly as the README's are.
const { extractTypescriptSnippetsFromMarkdown } = require(path.join(rosettaLib, 'markdown', 'extract-snippets.js'));
const { fixturize } = require(path.join(rosettaLib, 'fixtures.js'));

/** A scratch directory in which `import ... from '<package>'` resolves as in a user's app. */
function compilationDirectory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netsec-rosetta-'));
  const link = (name, target) => {
    const at = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(target, at, 'dir');
  };
  link('cdk8s-netsec', ROOT);
  for (const name of SNIPPET_PACKAGES) link(name, fs.realpathSync(path.join(ROOT, 'node_modules', name)));
  return dir;
}

/** README.md and the API docs' examples, as jsii-pacmak will translate them. */
function extractAssembly(dir) {
  const bin = path.join(rosettaLib, '..', 'bin', 'jsii-rosetta');
  const run = cp.spawnSync(process.execPath, [bin, 'extract', '--strict', '--directory', dir, path.join(ROOT, '.jsii')],
    { cwd: ROOT, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`.split('\n').filter((line) => !/^!!/.test(line)).join('\n').trim();
  if (run.status !== 0) {
    console.error(output);
    return false;
  }
  return true;
}

/** The ```ts blocks of docs/*.md, completed with their fixtures. */
function docSnippets() {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort();
  return docs.flatMap((file) => {
    const markdown = fs.readFileSync(path.join(ROOT, 'docs', file), 'utf8');
    return extractTypescriptSnippetsFromMarkdown(markdown, { api: 'file', fileName: `docs/${file}` }, true)
      .map((snippet) => fixturize(rosetta.updateParameters(snippet, { [rosetta.SnippetParameters.$PROJECT_DIRECTORY]: ROOT })));
  });
}

async function compileDocs(dir) {
  const snippets = docSnippets();
  const translator = new rosetta.RosettaTranslator({ includeCompilerDiagnostics: true });
  const result = await translator.translateAll(snippets, { compilationDirectory: dir });
  // docs/*.md reach no other language, so TypeScript that compiles but that jsii-rosetta cannot translate
  // (an arrow function, `a ? b : c`) is reported, not refused; the README and the API docs must translate.
  const untranslatable = (d) => /not supported in examples/.test(d.formattedMessage);
  const errors = result.diagnostics.filter((d) => d.isError && !untranslatable(d));
  for (const error of errors) console.error(error.formattedMessage);
  const warnings = result.diagnostics.filter((d) => d.isError && untranslatable(d));
  for (const warning of warnings) console.warn(`warning (docs only, not translated): ${warning.formattedMessage}`);
  return { count: snippets.length, errors: errors.length, untranslatable: warnings.length };
}

/** The README's snippets in Python, from the tablet just written (to read a translation). */
function printReadmePython() {
  const tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf8'));
  const readme = Object.values(tablet.snippets).filter((s) => s.location.api.api === 'moduleReadme')
    .sort((a, b) => a.location.field.line - b.location.field.line);
  for (const snippet of readme) {
    console.log(`# README.md line ${snippet.location.field.line}\n${snippet.translations.python.source}\n`);
  }
}

async function main() {
  const started = Date.now();
  const dir = compilationDirectory();
  try {
    const assemblyOk = extractAssembly(dir);
    const docs = process.argv.includes('--no-docs') ? { count: 0, errors: 0, untranslatable: 0 } : await compileDocs(dir);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (!assemblyOk || docs.errors > 0) {
      console.error(`rosetta: snippets do not compile (README/API examples: ${assemblyOk ? 'ok' : 'failed'}; docs: ${docs.errors} errors in ${docs.count} snippets). `
        + 'Fix the snippet, or give it context in rosetta/default.ts-fixture or a `fixture=<name>` fixture.');
      process.exitCode = 1;
      return;
    }
    console.log(`rosetta: README, API examples and ${docs.count} docs snippets compile (${seconds}s); `
      + `${docs.untranslatable} docs constructs cannot be translated`);
    if (process.argv.includes('--python')) printReadmePython();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
