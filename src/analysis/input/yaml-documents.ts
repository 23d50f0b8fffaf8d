import type * as YamlModule from 'yaml';
import { CORE_TAG_TYPES, kubernetesPlainScalar } from './kubernetes-scalars';
import { netsecError } from '../../core/errors';

/*
 * Reads multi-document YAML (what `cdk8s synth` writes) and JSON (what `kubectl get -o json` writes)
 * into plain Kubernetes objects, for the command line and the cdk8s-cli validation plugin alike. Errors
 * name the file and, for YAML, the line and column. The parser is loaded on first use: the package root
 * exports the plugin, and an app that imports the library should not pay for a YAML parser it never
 * calls (bench: about 15 ms).
 */

/** One object read from a file, with where it comes from (`file, document n`). */
export interface LocatedObject {
  readonly object: any;
  readonly origin: string;
}

/** What a file holds: its objects, the documents skipped as not Kubernetes objects, and its problems. */
export interface FileDocuments {
  readonly objects: LocatedObject[];
  /** `file, document n: why`, for documents left out with `skipForeign`. */
  readonly skipped: string[];
  /** One error per unreadable document. */
  readonly problems: Error[];
}

/** How to read a file. */
export interface ReadDocumentOptions {
  /** `json` parses with JSON.parse; `yaml` as YAML 1.2 (which JSON also is); `auto`: JSON when the text starts with `{` or `[`. */
  readonly format: 'yaml' | 'json' | 'auto';
  /** Leave out documents that are not Kubernetes objects (a JSON array of results lying in a directory) instead of refusing them. */
  readonly skipForeign: boolean;
}

/** The objects of every document of `text`, in order; empty documents are skipped. `display` names the file. */
export function parseYamlDocuments(display: string, text: string): any[] {
  const read = readDocuments(display, text, { format: 'yaml', skipForeign: false });
  if (read.problems.length > 0) throw read.problems[0];
  return read.objects.map(o => o.object);
}

/** Reads every document of one file, collecting problems instead of stopping at the first. */
export function readDocuments(display: string, text: string, options: ReadDocumentOptions): FileDocuments {
  const result: FileDocuments = { objects: [], skipped: [], problems: [] };
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const json = options.format === 'json' || (options.format === 'auto' && (trimmed.startsWith('{') || trimmed.startsWith('[')));
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error: any) {
      result.problems.push(netsecError(display, 'is not valid JSON', String(error?.message ?? error).split('\n')[0],
        'Fix the JSON, or give the file a .yaml extension if it holds YAML.'));
      return result;
    }
    accept(result, value, `${display}, document 1`, display, options.skipForeign);
    return result;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml: typeof YamlModule = require('yaml');
  const lineCounter = new yaml.LineCounter();
  // Merge keys (`<<: *defaults`) are YAML 1.1, but kubectl and other Kubernetes readers accept them.
  const documents = yaml.parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true });
  (Array.isArray(documents) ? documents : [documents]).forEach((document, n) => {
    const error = document.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      result.problems.push(netsecError(`${display}:${line}:${col}`, 'is not valid YAML', error.message.split('\n')[0],
        'Fix the YAML at that line; cdk8s synth output is valid YAML, so a hand edit or a truncated file is the usual cause.'));
      return;
    }
    const { line } = lineCounter.linePos(document.contents?.range?.[0] ?? document.range[0]);
    const unreadable = readScalarsAsKubernetes(yaml, document);
    if (unreadable) {
      const at = lineCounter.linePos(unreadable.range?.[0] ?? 0);
      result.problems.push(netsecError(`${display}:${at.line}:${at.col}`, `holds a value Kubernetes cannot read as its tag ${unreadable.tag}`,
        unreadable.source, 'Remove the tag, or write a value of that type; Kubernetes refuses the document as written.'));
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (failure: any) {
      // Aliases to anchors of another document, alias bombs, merge keys of non-maps.
      result.problems.push(netsecError(`${display}:${line}`, 'holds a document that cannot be resolved', String(failure?.message ?? failure).split('\n')[0],
        'Define every anchor in the document that uses it (anchors do not cross ---), and merge only maps.'));
      return;
    }
    if (value === null || value === undefined) return;
    accept(result, value, `${display}, document ${n + 1}`, `${display}:${line}`, options.skipForeign);
  });
  return result;
}

/** Adds a document's object (or, for a top-level array of Kubernetes objects, each item). */
function accept(result: FileDocuments, value: any, origin: string, at: string, skipForeign: boolean): void {
  if (isObject(value)) {
    result.objects.push({ object: value, origin });
    return;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
    value.forEach((item, i) => result.objects.push({ object: item, origin: `${origin} [${i}]` }));
    return;
  }
  if (skipForeign) {
    result.skipped.push(`${origin}: not a Kubernetes object (${summarize(value)})`);
    return;
  }
  result.problems.push(netsecError(at, 'holds a document that is not a Kubernetes object', summarize(value),
    'Each YAML document must be one object with apiVersion, kind and metadata.'));
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as any).kind === 'string';
}

/** The offending document, or a short account of it when it is a large list or an object without kind. */
function summarize(value: unknown): unknown {
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === 'object' && value !== null) return `an object without kind; keys: ${Object.keys(value).slice(0, 5).join(', ')}`;
  return value;
}

/**
 * Gives every scalar of `document` the value Kubernetes reads (see kubernetes-scalars.ts): plain scalars
 * without a tag, and scalars tagged with a core type (`!!int 0120` is 80 there). Returns the first tagged
 * scalar Kubernetes cannot read as its tag, which it refuses.
 */
function readScalarsAsKubernetes(yaml: typeof YamlModule, document: YamlModule.Document.Parsed): YamlModule.Scalar | undefined {
  let unreadable: YamlModule.Scalar | undefined;
  yaml.visit(document, {
    Scalar(_key, node) {
      const source = node.source;
      // `<<` is a merge key, which the parser resolves itself.
      if (typeof source !== 'string' || source === '<<') return undefined;
      if (node.tag === undefined || node.tag === null) {
        if (node.type === 'PLAIN') node.value = kubernetesPlainScalar(source);
        return undefined;
      }
      const expected = CORE_TAG_TYPES[node.tag];
      if (expected === undefined) return undefined;
      const value = kubernetesPlainScalar(source);
      if ((value === null ? 'null' : typeof value) !== expected) {
        unreadable = node;
        return yaml.visit.BREAK;
      }
      node.value = value;
      return undefined;
    },
  });
  return unreadable;
}
