/*
 * Are the bytes the same as before? A performance change must not change what the library writes, so the
 * YAML of variant (a) is reduced to one SHA-256 per size and layout (file names and contents, files in
 * name order) and compared with the digests recorded in bench/output-digests.json.
 *
 *   npx ts-node -P bench/tsconfig.json -T bench/output-digest.ts record [sizes]   # after a deliberate output change
 *
 * `record` synthesizes (a) at the sizes (default 100,1000,5000) in both layouts and rewrites the file;
 * run.ts compares every (a) output it writes and prints the verdict with the timings.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_SEED, Layout, LAYOUTS } from './mesh';
import { compiled, OUT, ROOT, runNode, transpileAll } from './process';

/** The recorded digests: `<layout>/<N>` to the SHA-256 of (a)'s output with the default seed. */
export const DIGESTS_FILE = path.join(ROOT, 'bench', 'output-digests.json');

/** One SHA-256 over the `.yaml` files of a directory: each file's name and bytes, in name order. */
export function outputDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const bytes = fs.readFileSync(path.join(dir, file));
    hash.update(`${file}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** The recorded digests (empty when none were recorded). */
export function recordedDigests(): Record<string, string> {
  return fs.existsSync(DIGESTS_FILE) ? JSON.parse(fs.readFileSync(DIGESTS_FILE, 'utf8')).digests : {};
}

/**
 * Compares (a)'s output in `dir` with the recorded digest: "same bytes as recorded", "**differs** ...",
 * or why it cannot tell.
 */
export function compareWithRecorded(dir: string, layout: Layout, n: number, seed: number): string {
  if (seed !== DEFAULT_SEED) return `not compared (digests are recorded for seed ${DEFAULT_SEED})`;
  const want = recordedDigests()[`${layout}/${n}`];
  if (want === undefined) return `not compared (no digest recorded for ${layout}/${n}; see bench/output-digest.ts)`;
  return outputDigest(dir) === want ? 'same bytes as recorded' : `**differs** from the recorded digest (${path.relative(ROOT, DIGESTS_FILE)})`;
}

function record(sizes: number[]): void {
  transpileAll();
  const digests: Record<string, string> = { ...recordedDigests() };
  for (const layout of LAYOUTS) {
    for (const n of sizes) {
      const dir = path.join(OUT, 'digest', `${layout}-${n}`);
      fs.rmSync(dir, { recursive: true, force: true });
      runNode(compiled('bench/synth-worker.ts'), ['ours', String(n), dir, String(DEFAULT_SEED), layout]);
      digests[`${layout}/${n}`] = outputDigest(dir);
      process.stdout.write(`${layout}/${n}: ${digests[`${layout}/${n}`]}\n`);
    }
  }
  const sorted = Object.fromEntries(Object.entries(digests).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(DIGESTS_FILE, JSON.stringify({
    '//': 'SHA-256 of variant (a)\'s YAML (bench/output-digest.ts), per layout and N, default seed. Rewrite only when the output changes on purpose.',
    'digests': sorted,
  }, null, 2) + '\n');
}

if (require.main === module) {
  const [command, sizes] = process.argv.slice(2);
  if (command !== 'record') throw new Error('usage: bench/output-digest.ts record [sizes, e.g. 100,1000,5000]');
  record((sizes ?? '100,1000,5000').split(',').map(Number));
}
