/*
 * Schema validation for custom resources that have no kubernetes-models package (Gateway API,
 * ClusterNetworkPolicy, Cilium, and any other kind in the pinned CRDs): the CRD's own openAPIV3Schema
 * from ../shared/crds, compiled with ajv. The Kubernetes extensions (x-kubernetes-*) are accepted as
 * annotations; CEL rules (x-kubernetes-validations) are not evaluated, so tests assert those fields.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

const CRD_DIR = path.resolve(process.env.CRD_DIR ?? path.join(__dirname, '..', '..', 'shared', 'crds'));

let schemas: Map<string, any> | undefined;
const compiled = new Map<string, ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: true });
for (const keyword of ['x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations', 'x-kubernetes-embedded-resource']) {
  ajv.addKeyword({ keyword });
}

/** The openAPIV3Schema of every kind and version of every pinned CRD, by `group/version/kind`. */
function load(): Map<string, any> {
  if (schemas) return schemas;
  const found = new Map<string, any>();
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema) found.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, schema);
      }
    }
  }
  schemas = found;
  return found;
}

/** The compiled validator of one kind, or undefined when no pinned CRD defines it. */
function validatorOf(key: string): ValidateFunction | undefined {
  const schema = load().get(key);
  if (!schema) return undefined;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, validate = ajv.compile(toJsonSchema(schema)));
  return validate;
}

/**
 * Adapts a structural schema to plain JSON Schema: `x-kubernetes-int-or-string` fields (no `type`) accept
 * exactly an integer or a string, and Go's RE2 classes (`\pL`, `\PC`) are written as JavaScript's (`\p{L}`).
 */
function toJsonSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = toJsonSchema(v);
  if (out['x-kubernetes-int-or-string'] && out.type === undefined && out.anyOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (typeof out.pattern === 'string') out.pattern = out.pattern.replace(/\\([pP])([A-Z][a-z]?)/g, '\\$1{$2}');
  return out;
}

/** True when a pinned CRD defines `apiVersion`/`kind`. */
export function hasCrdSchema(apiVersion: string, kind: string): boolean {
  return load().has(`${apiVersion}/${kind}`);
}

/** Validates one custom resource against its pinned CRD schema; throws listing every violation. */
export function validateCustomResource(obj: any): void {
  const validate = validatorOf(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) throw new Error(`no pinned CRD defines ${obj.apiVersion}/${obj.kind}`);
  if (!validate(obj)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`does not match the CRD schema: ${errors}`);
  }
}
