/*
 * How the benchmarks run their workers: TypeScript is transpiled once (no type check) into bench/out/js,
 * mirroring the repository layout so that `../src` imports and node_modules resolve as in the sources;
 * each measurement is then a fresh `node` process on plain JavaScript, so no variant pays for a
 * TypeScript compiler.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..');
/** Everything the benchmarks write (git-ignored). */
export const OUT = path.join(ROOT, 'bench', 'out');
/** Where the transpiled JavaScript goes. */
export const JS_OUT = path.join(OUT, 'js');

/** Transpiles src/ and bench/ into JS_OUT; files whose output is newer than their source are kept. */
export function transpileAll(): { files: number; transpiled: number; ms: number } {
  const started = Date.now();
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    experimentalDecorators: true,
    sourceMap: false,
  };
  let files = 0;
  let transpiled = 0;
  for (const dir of ['src', 'bench']) {
    for (const file of walk(path.join(ROOT, dir))) {
      files++;
      const relative = path.relative(ROOT, file);
      const target = path.join(JS_OUT, relative.replace(/\.ts$/, '.js'));
      if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(file).mtimeMs) continue;
      const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, output.outputText);
      transpiled++;
    }
  }
  return { files, transpiled, ms: Date.now() - started };
}

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== OUT && entry.name !== 'node_modules') yield* walk(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      yield full;
    }
  }
}

/** The transpiled path of a script given relative to the repository root, e.g. `bench/synth-worker.ts`. */
export function compiled(script: string): string {
  return path.join(JS_OUT, script.replace(/\.ts$/, '.js'));
}

/** What one worker process did. */
export interface ProcessResult {
  /** Wall time of the whole process, measured by the parent (spawn to exit). */
  readonly wallMs: number;
  readonly stdout: string;
}

/** Runs `node [nodeArgs] script args` to completion; throws with its stderr when it fails. */
export function runNode(script: string, args: string[], nodeArgs: string[] = []): ProcessResult {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.error) throw child.error;
  if (child.status !== 0) {
    throw new Error(`${path.relative(ROOT, script)} ${args.join(' ')} exited with ${child.status ?? child.signal}:\n${child.stderr}`);
  }
  return { wallMs, stdout: child.stdout };
}

/** The last line of a worker's stdout, parsed as JSON. */
export function lastJsonLine(stdout: string): any {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
