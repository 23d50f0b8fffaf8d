import { IConstruct } from 'constructs';

/**
 * Builds the one error shape the library throws:
 * `<construct path>: <what is wrong> (<offending value>). <how to fix>`.
 *
 * `scope` may be a construct, a path string, or undefined for factories that have no construct yet.
 */
export function netsecError(scope: IConstruct | string | undefined, what: string, value: unknown, fix: string): Error {
  const where = scope === undefined ? '' : `${typeof scope === 'string' ? scope : scope.node.path}: `;
  return new Error(`${where}${what} (${formatValue(value)}). ${fix}`);
}

/**
 * The message of a problem found by a whole-tree check (`node.addValidation`) of the construct it is
 * about: the same shape as `netsecError` without the path, which cdk8s already prints before it
 * (`[shop/api] <what is wrong> (<offending value>). <how to fix>`).
 */
export function validationProblem(what: string, value: unknown, fix: string): string {
  return netsecError(undefined, what, value, fix).message;
}

/** Renders an offending value so that an empty string or a nested object is still visible in a message. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  // JSON would print NaN and Infinity as null and -0 as 0; show what the caller passed.
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint' || typeof value === 'symbol') return `${typeof value} ${String(value)}`;
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
