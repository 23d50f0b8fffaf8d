import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { netsecError } from './errors';
import { closestName } from './near-names';
import { STRUCT_FIELDS } from './python-names';

/*
 * The library's one atomicity idiom. A constructor starts with
 *
 *   const input = checkedInput(scope, id, (path) => checkProps(path, props));
 *   super(scope, id);
 *
 * `checkProps` reads and checks every prop, nested ones included (a certificate's duration, a
 * destination's ports), and returns what the constructor builds from; it names errors by `path`, the
 * path the construct is about to have. Nothing joins the tree and nothing is recorded in the app's
 * model until it returns, so a refused construct leaves the tree exactly as it was and a corrected
 * retry with the same id works. Checks that need the whole app run later, in `node.addValidation`.
 */

/** How `checkedInput` checks the scope. */
export interface CheckedInputOptions {
  /**
   * Whether the construct must be inside a cdk8s Chart (it emits objects, which live in charts).
   * @default true
   */
  readonly inChart?: boolean;
  /**
   * The props as the caller gave them, and the name of their struct (`'IsolatedTierProps'`): a field the
   * struct does not have is refused before `check` runs (from plain JavaScript, a misspelt field such as
   * `internetExcpet` would otherwise be dropped without a word, and what it narrowed left open).
   * @default - the props' fields are not checked here
   */
  readonly props?: { readonly given: unknown; readonly struct: string };
}

/**
 * Runs `check` with the path a construct with this `id` will have under `scope`, before the construct
 * exists, and returns its result. Also refuses a scope that is not a construct (a plain-JavaScript
 * caller) with the library's error instead of a TypeError, and, unless `inChart` is false, a scope
 * outside every Chart (cdk8s would refuse it with no path, after some children were made).
 */
export function checkedInput<T>(scope: IConstruct, id: string, check: (path: string) => T, options: CheckedInputOptions = {}): T {
  const scopePath = (scope as IConstruct | undefined)?.node?.path;
  if (typeof scopePath !== 'string') {
    throw netsecError(String(id), 'scope is not a construct', scope === null || typeof scope !== 'object' ? scope : String(scope),
      'Pass the chart (or another construct) the new construct belongs to as the first argument.');
  }
  const path = constructPath(scope, id);
  if (options.inChart !== false && !isInChart(scope)) {
    throw netsecError(path, 'scope is not inside a cdk8s Chart', scopePath === '' ? '<the app>' : scopePath,
      'Create the construct in a Chart (new Chart(app, id)) or in a construct inside one: the objects it emits belong to a chart.');
  }
  if (options.props !== undefined) refuseUnknownFields(path, options.props.given, options.props.struct);
  return check(path);
}

/**
 * Refuses a field of `given` that the public struct `struct` does not have, naming the closest field it
 * does have. Anything that is not a plain object is left to the caller's checks.
 *
 * @param where the construct path or factory, for the message
 * @param given the props or options as the caller gave them
 * @param struct the struct's name in the compiled API, e.g. 'RestrictedEgressProps'
 */
export function refuseUnknownFields(where: string, given: unknown, struct: string): void {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return;
  const fields = fieldsOf(struct);
  for (const key of Object.keys(given)) {
    if (fields.includes(key)) continue;
    const near = closestName(key, [...fields]);
    throw netsecError(where, `${struct} has no field ${key}`, key,
      `${near === undefined ? '' : `Did you mean ${near}? `}The fields are: ${fields.join(', ')}.`);
  }
}

/** Whether `scope` is a Chart or inside one. */
function isInChart(scope: IConstruct): boolean {
  for (let at: IConstruct | undefined = scope; at !== undefined; at = at.node.scope) {
    if (Chart.isChart(at)) return true;
  }
  return false;
}

/** The path a construct with this `id` will have under `scope` (as `node.path` will spell it). */
export function constructPath(scope: IConstruct, id: string): string {
  return scope.node.path === '' ? id : `${scope.node.path}/${id}`;
}

/**
 * The props a constructor was given, each of the named fields read exactly once: a getter that answers
 * differently on each read, a Proxy, or a list changed between the check and the build cannot make what is
 * built differ from what was checked. Lists are copied element by element (a hole reads as `undefined`,
 * which the checks refuse; extra non-index properties are dropped). Anything that is not an object is
 * returned as it is, for the checks to refuse; fields left undefined are left out.
 *
 * @param props the props as given
 * @param struct the props' struct in the compiled API, whose fields are read (`STRUCT_FIELDS`)
 */
export function readPropsOnce<T>(props: T, struct: string): T {
  if (props === null || typeof props !== 'object') return props;
  const fields = fieldsOf(struct);
  const copy: { [key: string]: unknown } = {};
  for (const field of fields) {
    const value: unknown = (props as { [key: string]: unknown })[field];
    if (value !== undefined) copy[field] = Array.isArray(value) ? copyList(value) : value;
  }
  return copy as T;
}

/** The fields of a public struct, from the table generated from the compiled API. */
function fieldsOf(struct: string): readonly string[] {
  const fields = STRUCT_FIELDS[struct];
  if (fields === undefined) throw new Error(`cdk8s-netsec: no struct ${struct} in the compiled API (run npx projen python-names)`);
  return fields;
}

function copyList(list: readonly unknown[]): unknown[] {
  const length = list.length;
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) copy.push(list[i]);
  return copy;
}

/**
 * Makes the named fields of a checked value object read-only, the lists and maps they hold frozen as
 * well, so that plain JavaScript cannot turn a value the library checked (a Destination, a guardrail
 * exception, a DNS server list) into another one after the check. Not `Object.freeze(object)`: the
 * jsii kernel tags the objects it hands to other languages.
 *
 * @param object the value object, at the end of its constructor
 * @param fields the fields to lock
 */
export function lockFields<T extends object>(object: T, fields: readonly (keyof T & string)[]): void {
  for (const field of fields) {
    const value: unknown = object[field];
    freezeDeep(value);
    Object.defineProperty(object, field, { value, writable: false, configurable: false });
  }
}

/** Freezes plain lists and maps, and the plain lists and maps inside them; class instances are left to their own locks. */
function freezeDeep(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return;
  Object.freeze(value);
  for (const item of Object.values(value)) freezeDeep(item);
}

/** The value objects the library's own factories made (and checked). */
const MADE_BY_LIBRARY = new WeakSet<object>();

/**
 * Records a value object a factory made after checking its input. Call it at the end of the constructor.
 *
 * @param value the value object
 */
export function markMadeByLibrary(value: object): void {
  MADE_BY_LIBRARY.add(value);
}

/**
 * True only for a value object the library's factories made: `instanceof` alone also holds for
 * `Object.create(Destination.prototype, { ... })`, whose fields no factory checked.
 *
 * @param value anything a caller passed
 */
export function madeByLibrary(value: unknown): boolean {
  return value !== null && typeof value === 'object' && MADE_BY_LIBRARY.has(value);
}
