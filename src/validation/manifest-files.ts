import * as fs from 'fs';
import { parseYamlDocuments } from '../analysis/input/yaml-documents';

/*
 * Reads the synthesized YAML files and remembers which file holds which object, so that a finding can
 * point at its manifest. Internal: not re-exported.
 */

/** The documents of every file, and where each object came from. */
export class ManifestFiles {
  /** Reads every file; throws naming the file, line and column when one cannot be parsed. */
  public static read(paths: readonly string[]): ManifestFiles {
    const files = new ManifestFiles(paths);
    for (const file of paths) {
      for (const object of parseYamlDocuments(file, fs.readFileSync(file, 'utf8'))) files.add(object, file);
    }
    return files;
  }

  /** Every object, in file order; Lists are kept as they are (the analyzer flattens them). */
  public readonly objects: any[] = [];
  private readonly paths: readonly string[];
  private readonly byKey = new Map<string, string>();
  private readonly byNamespace = new Map<string, string>();
  private readonly byObject = new Map<any, string>();

  private constructor(paths: readonly string[]) {
    this.paths = paths;
  }

  /**
   * The file that holds the object, or, for an object no file holds (a Namespace implied by its
   * objects), the first file with an object in that namespace; else the first file.
   */
  public fileOf(kind: string, namespace: string | undefined, name: string): string | undefined {
    return this.byKey.get(key(kind, namespace, name))
      ?? (namespace === 'default' ? this.byKey.get(key(kind, undefined, name)) : undefined)
      ?? this.byNamespace.get(kind === 'Namespace' ? name : namespace ?? '')
      ?? this.paths[0];
  }

  /** The file that holds this very object (an item of a List included); undefined for objects not read here. */
  public fileHolding(object: any): string | undefined {
    return this.byObject.get(object);
  }

  /** True when a file holds the object itself. */
  public holds(kind: string, namespace: string | undefined, name: string): boolean {
    return this.byKey.has(key(kind, namespace, name)) || (namespace === 'default' && this.byKey.has(key(kind, undefined, name)));
  }

  private add(object: any, file: string): void {
    if (object === null || typeof object !== 'object') return;
    this.objects.push(object);
    this.index(object, file);
  }

  private index(object: any, file: string): void {
    if (object === null || typeof object !== 'object') return;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: any) => this.index(item, file));
      return;
    }
    this.byObject.set(object, file);
    const namespace = object.metadata?.namespace;
    const k = key(object.kind, namespace, object.metadata?.name);
    if (!this.byKey.has(k)) this.byKey.set(k, file);
    const scope = object.kind === 'Namespace' ? object.metadata?.name : namespace ?? '';
    if (typeof scope === 'string' && !this.byNamespace.has(scope)) this.byNamespace.set(scope, file);
  }
}

function key(kind: unknown, namespace: unknown, name: unknown): string {
  return JSON.stringify([kind, namespace ?? null, name]);
}
