#!/usr/bin/env node
/* The `cdk8s-netsec` executable: everything happens in runCli, which tests call directly. */
import { readFileSync } from 'fs';
import { runCli } from './run';

process.exitCode = runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  readStdin: () => readFileSync(0, 'utf8'),
});
