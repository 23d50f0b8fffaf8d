import * as fs from 'fs';
import * as path from 'path';
import { throwProblems } from '../analysis/input/input-problems';
import { readDocuments } from '../analysis/input/yaml-documents';
import { netsecError } from '../core/errors';

/*
 * Reads manifests from files, directories and standard input into plain objects: YAML (what cdk8s synth
 * writes) and JSON (what kubectl get -o json writes). Directories contribute every *.yaml, *.yml and
 * *.json file inside them, recursively, in sorted order, so the result does not depend on the file
 * system's listing order. There, a JSON file without any Kubernetes object (the construct-metadata.json
 * that cdk8s synth writes next to the manifests, a JSON report) is ignored quietly, and other documents
 * that are not Kubernetes objects are skipped and listed; a file named explicitly must hold only objects. Every
 * file is read even after a problem, and all problems are reported together (unless failFast); errors
 * name the file and, for YAML, the line and column.
 */

/** The manifests read from the command line's paths. */
export interface ManifestInput {
  /** The files read, as displayed (relative to the working directory when given so), in reading order. */
  readonly files: string[];
  /** Every document's object, in file order then document order; empty documents are left out. */
  readonly objects: any[];
  /** Where each object comes from, same order: `file, document n`. */
  readonly origins: string[];
  /** Documents left out because they are not Kubernetes objects (only inside directories), with why. */
  readonly skipped: string[];
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
  /**
   * Stop at the first unreadable file or document instead of reporting them all.
   * @default false
   */
  readonly failFast?: boolean;
}

/** Reads every YAML document of the given files and directories. */
export function readManifestInput(paths: readonly string[], source: InputSource): ManifestInput {
  const files: Array<{ display: string; absolute: string; inDirectory: boolean }> = [];
  const seen = new Set<string>();
  const add = (display: string, absolute: string, inDirectory = false) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ display, absolute, inDirectory });
  };
  const problems: Error[] = [];
  for (const given of paths) {
    if (given === '-') {
      add('-', '-');
      continue;
    }
    const absolute = path.resolve(source.cwd, given);
    let stat: fs.Stats;
    try {
      stat = statOf(absolute, given);
    } catch (error: any) {
      if (source.failFast) throw error;
      problems.push(error);
      continue;
    }
    if (stat.isDirectory()) {
      const found = yamlFilesUnder(absolute);
      if (found.length === 0) {
        throw netsecError(given, 'is a directory without *.yaml, *.yml or *.json files', absolute,
          'Point at the directory cdk8s synth writes (dist/ by default) or at the manifest files themselves.');
      }
      for (const relative of found) add(path.join(given, relative), path.join(absolute, relative), true);
    } else {
      add(given, absolute);
    }
  }
  const objects: any[] = [];
  const origins: string[] = [];
  const skipped: string[] = [];
  const ignored = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readText(file.absolute, file.display, source);
    } catch (error: any) {
      if (source.failFast) throw error;
      problems.push(error);
      continue;
    }
    const format = /\.json$/i.test(file.display) ? 'json' : file.absolute === '-' ? 'auto' : 'yaml';
    const read = readDocuments(file.display, text, { format, skipForeign: file.inDirectory });
    if (source.failFast && read.problems.length > 0) throw read.problems[0];
    if (file.inDirectory && format === 'json' && read.objects.length === 0 && read.problems.length === 0) {
      ignored.add(file.display);
      continue;
    }
    problems.push(...read.problems);
    skipped.push(...read.skipped);
    for (const { object, origin } of read.objects) {
      objects.push(object);
      origins.push(origin);
    }
  }
  throwProblems('cdk8s-netsec', problems, 'every other document was read');
  return { files: files.map(f => f.display).filter(f => !ignored.has(f)), objects, origins, skipped };
}

function statOf(absolute: string, given: string): fs.Stats {
  try {
    return fs.statSync(absolute);
  } catch (error: any) {
    throw netsecError(given, error?.code === 'ENOENT' ? 'does not exist' : 'cannot be read', absolute,
      'Give a YAML or JSON file or a directory of them (e.g. the dist/ folder cdk8s synth writes).');
  }
}

/** Paths of YAML files under `root`, relative to it, sorted by code unit order of their relative path. */
function yamlFilesUnder(root: string): string[] {
  const found: string[] = [];
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (/\.(ya?ml|json)$/i.test(entry.name)) found.push(child);
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
