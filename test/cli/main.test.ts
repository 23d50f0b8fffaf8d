import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli } from './run-cli';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

/** Runs the real entry point through ts-node (transpile only, so it starts in about a second). */
function spawnCli(args: string[]) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register', MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    timeout: 30_000,
  });
}

describe('the cdk8s-netsec executable', () => {
  test('starts with a node shebang, as npm needs for the bin entry', () => {
    expect(fs.readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('analyze through the real entry point sets the exit status and prints the findings', () => {
    const run = spawnCli(['analyze', 'test/fixtures/cli/violations.yaml']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('HIGH NETSEC006 load-balancer-without-source-ranges: Service shop/web-public');
  }, 30_000);

  test('a usage error through the real entry point exits 2 with the message on stderr', () => {
    const run = spawnCli(['analyze', '--nope', 'test/fixtures/cli/clean']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('does not know this option ("--nope")');
  }, 30_000);
});

describe('cdk8s-netsec commands', () => {
  test('--version, -V and version print the package version on stdout and exit 0', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['-V'], ['version']]) {
      expect(cli(argv)).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    }
    expect(cli(['--help']).stdout).toContain('--version            Print the version of the installed package.');
  });

  test('--help, -h and help print the overview on stdout and exit 0', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = cli(argv);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage: cdk8s-netsec <command> [options]');
      expect(run.stdout).toContain('analyze <paths...>');
      expect(run.stdout).toContain('diff <old> <new>');
    }
  });

  test('help <command> prints that command\'s options', () => {
    expect(cli(['help', 'diff']).stdout).toContain('--fail-on-change');
    expect(cli(['diff', '-h']).stdout).toContain('Usage: cdk8s-netsec diff [options] <old> <new>');
    expect(cli(['help', 'analyse']).status).toBe(2);
  });

  test('no command prints the overview on stderr and exits 2', () => {
    const run = cli([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: cdk8s-netsec <command> [options]');
  });

  test('an unknown command exits 2 naming it and the commands', () => {
    const run = cli(['audit', 'clean']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('Error: cdk8s-netsec: does not know this command ("audit"). Commands: analyze, diff, eval, help, --version. Run "cdk8s-netsec --help" for usage.\n');
  });
});
