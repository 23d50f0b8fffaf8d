import { IConstruct } from 'constructs';
import { callerIsPython, toPythonSpelling } from './python-spelling';

/**
 * Builds the one error shape the library throws:
 * `<construct path>: <what is wrong> (<offending value>). <how to fix>`.
 *
 * `scope` may be a construct, a path string, or undefined for factories that have no construct yet.
 *
 * The path is named once, first. For a problem a construct's own validation (`node.addValidation`) returns,
 * use `validationProblem`: cdk8s prints that construct's path before the message already. A validation may
 * use `netsecError(other, ...).message` for a problem about another construct (the model's whole-app
 * checks name the construct each problem is about this way).
 *
 * When a Python app is calling (jsii's Python runtime), what is wrong and how to fix it name the API as
 * Python spells it (`IsolatedTier(..., pod_labels=...)`, `allow_from`); see ./python-spelling.ts. The path
 * and the offending value are data and stay as they are, and so does a message about a manifest or a CLI
 * argument, whose subject (`NetworkPolicy shop/web`, `cdk8s-netsec analyze --port`) names no API call:
 * its field names are Kubernetes', not props.
 */
export function netsecError(scope: IConstruct | string | undefined, what: string, value: unknown, fix: string): Error {
  const speak = callerIsPython() && aboutTheApi(scope) ? toPythonSpelling : (text: string) => text;
  const where = scope === undefined ? '' : `${typeof scope === 'string' ? speak(scope) : scope.node.path}: `;
  return new Error(`${where}${speak(what)} (${formatValue(value)}). ${speak(fix)}`);
}

/**
 * False when the subject is a manifest (`NetworkPolicy shop/web`, a Kind and a name, as the analyzer
 * describes objects) or the command line (`cdk8s-netsec analyze --port`); true for a construct, a
 * construct path (`shop/api`, `cluster/guardrails (exemptNamespaces)`), an API member (`Peer.ipBlock`)
 * or no subject.
 */
function aboutTheApi(scope: IConstruct | string | undefined): boolean {
  return typeof scope !== 'string' || !/^(cdk8s-netsec\b|[A-Z][A-Za-z0-9]* [^\s(])/.test(scope);
}

/**
 * A message composed without netsecError (a whole-tree check that lists problems as text), in the
 * caller's spelling: Python's names when a Python app is calling, unchanged otherwise.
 */
export function inCallerSpelling(message: string): string {
  return callerIsPython() ? toPythonSpelling(message) : message;
}

/**
 * The message of a problem found by a whole-tree check (`node.addValidation`) of the construct it is
 * about: the same shape as `netsecError` without the path, which cdk8s already prints before it
 * (`[shop/api] <what is wrong> (<offending value>). <how to fix>`). What is wrong names that construct as
 * "the tier", "the mesh" or by the prop at fault, never by its path again.
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
