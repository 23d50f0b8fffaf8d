import type * as YamlModule from 'yaml';
import { netsecError } from '../errors';

/*
 * Reads multi-document YAML (what `cdk8s synth` writes) into plain Kubernetes objects, for the command
 * line and the cdk8s-cli validation plugin alike. Errors name the file and, for YAML, the line and
 * column. The parser is loaded on first use: the package root exports the plugin, and an app that
 * imports the library should not pay for a YAML parser it never calls (bench: about 15 ms).
 */

/** The objects of every document of `text`, in order; empty documents are skipped. `display` names the file. */
export function parseYamlDocuments(display: string, text: string): any[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml: typeof YamlModule = require('yaml');
  const lineCounter = new yaml.LineCounter();
  const documents = yaml.parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const objects: any[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const error = document.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw netsecError(`${display}:${line}:${col}`, 'is not valid YAML', error.message.split('\n')[0],
        'Fix the YAML at that line; cdk8s synth output is valid YAML, so a hand edit or a truncated file is the usual cause.');
    }
    const value = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value) || typeof value.kind !== 'string') {
      const { line } = lineCounter.linePos(document.contents?.range?.[0] ?? document.range[0]);
      throw netsecError(`${display}:${line}`, 'holds a document that is not a Kubernetes object', summarize(value),
        'Each YAML document must be one object with apiVersion, kind and metadata.');
    }
    objects.push(value);
  }
  return objects;
}

/** The offending document, or a short account of it when it is a large list or an object without kind. */
function summarize(value: unknown): unknown {
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === 'object' && value !== null) return `an object without kind; keys: ${Object.keys(value).slice(0, 5).join(', ')}`;
  return value;
}
