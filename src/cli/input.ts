import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments } from '../analysis/yaml-documents';
import { netsecError } from '../errors';

/*
 * Reads synthesized YAML from files and directories into plain objects. Directories contribute every
 * *.yaml and *.yml file inside them, recursively, in sorted order, so the result does not depend on the
 * file system's listing order. Errors name the file and, for YAML, the line and column.
 */

/** The manifests read from the command line's paths. */
export interface ManifestInput {
  /** The files read, as displayed (relative to the working directory when given so), in reading order. */
  readonly files: string[];
  /** Every document's object, in file order then document order; empty documents are left out. */
  readonly objects: any[];
}

/** Where input comes from: the working directory, and standard input for the operand `-`. */
export interface InputSource {
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Reads all of standard input.
   * @default - the operand "-" is an error
   */
  readonly readStdin?: () => string;
}

/** Reads every YAML document of the given files and directories. */
export function readManifestInput(paths: readonly string[], source: InputSource): ManifestInput {
  const files: Array<{ display: string; absolute: string }> = [];
  const seen = new Set<string>();
  const add = (display: string, absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ display, absolute });
  };
  for (const given of paths) {
    if (given === '-') {
      add('-', '-');
      continue;
    }
    const absolute = path.resolve(source.cwd, given);
    const stat = statOf(absolute, given);
    if (stat.isDirectory()) {
      const found = yamlFilesUnder(absolute);
      if (found.length === 0) {
        throw netsecError(given, 'is a directory without *.yaml or *.yml files', absolute,
          'Point at the directory cdk8s synth writes (dist/ by default) or at the YAML files themselves.');
      }
      for (const relative of found) add(path.join(given, relative), path.join(absolute, relative));
    } else {
      add(given, absolute);
    }
  }
  const objects: any[] = [];
  for (const file of files) objects.push(...parseYamlDocuments(file.display, readText(file.absolute, file.display, source)));
  return { files: files.map(f => f.display), objects };
}

function statOf(absolute: string, given: string): fs.Stats {
  try {
    return fs.statSync(absolute);
  } catch (error: any) {
    throw netsecError(given, error?.code === 'ENOENT' ? 'does not exist' : 'cannot be read', absolute,
      'Give a YAML file or a directory of YAML files (e.g. the dist/ folder cdk8s synth writes).');
  }
}

/** Paths of YAML files under `root`, relative to it, sorted by code unit order of their relative path. */
function yamlFilesUnder(root: string): string[] {
  const found: string[] = [];
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (/\.ya?ml$/i.test(entry.name)) found.push(child);
    }
  };
  visit('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readText(absolute: string, display: string, source: InputSource): string {
  if (absolute === '-') {
    if (!source.readStdin) throw netsecError('-', 'standard input is not available', '-', 'Give a file or directory instead.');
    return source.readStdin();
  }
  try {
    return fs.readFileSync(absolute, 'utf8');
  } catch (error: any) {
    throw netsecError(display, 'cannot be read', error?.code ?? String(error), 'Check the path and its permissions.');
  }
}
