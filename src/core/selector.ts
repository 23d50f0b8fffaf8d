import { netsecError } from './errors';
import { checkLabelKey, checkLabelValue } from './names';

/** Operators of a label selector requirement. */
export enum LabelOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label is absent, or its value is none of `values`. */
  NOT_IN = 'NotIn',
  /** The label is present, with any value. */
  EXISTS = 'Exists',
  /** The label is absent. */
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One requirement of a label selector (`matchExpressions` entry). */
export interface LabelExpression {
  /** The label key. */
  readonly key: string;
  /** How the label is compared. */
  readonly operator: LabelOperator;
  /**
   * The values for `In` and `NotIn` (at least one); must be empty for `Exists` and `DoesNotExist`.
   * @default - no values
   */
  readonly values?: string[];
}

/**
 * A Kubernetes label selector: every `matchLabels` pair and every expression must hold (AND).
 * In Kubernetes an empty selector selects everything, so the library refuses one wherever it would select
 * every pod or namespace: that is asked for with `Peer.allPods()` and the other explicit factories.
 */
export interface LabelSelector {
  /**
   * Labels that must be present with these exact values.
   * @default - no label constraints
   */
  readonly matchLabels?: { [key: string]: string };
  /**
   * Requirements that must all hold.
   * @default - no expressions
   */
  readonly matchExpressions?: LabelExpression[];
}

/**
 * Validates a selector and returns it in canonical form: keys sorted, expressions sorted and their values
 * sorted and deduplicated, empty parts dropped. `where` names the caller for the error message.
 */
export function normalizeSelector(where: string, selector: LabelSelector): LabelSelector {
  checkPlainObject(where, 'a label selector', selector, ['matchLabels', 'matchExpressions'],
    'Write a selector such as { matchLabels: { app: "web" } } or { matchExpressions: [...] }.');
  const matchLabels = normalizeLabels(where, selector.matchLabels ?? {});
  if (selector.matchExpressions !== undefined && !Array.isArray(selector.matchExpressions)) {
    throw netsecError(where, 'matchExpressions must be a list', selector.matchExpressions,
      'Write matchExpressions: [{ key: "tier", operator: LabelOperator.IN, values: ["a"] }].');
  }
  const expressions = (selector.matchExpressions ?? []).map((e) => normalizeExpression(where, e));
  expressions.sort((a, b) => compareStrings(expressionKey(a), expressionKey(b)));
  const unique = expressions.filter((e, i) => i === 0 || expressionKey(e) !== expressionKey(expressions[i - 1]));
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(unique.length > 0 ? { matchExpressions: unique } : {}),
  };
}

/**
 * Like `normalizeSelector`, but refuses a selector without any requirement: an empty selector selects
 * every pod (or namespace), which must be asked for on purpose with the factory named in `fix`. `what`
 * is the whole problem statement, e.g. "pod labels are empty (they would select every pod)".
 */
export function normalizeRequiredSelector(where: string, selector: LabelSelector, what: string, fix: string): LabelSelector {
  const normalized = normalizeSelector(where, selector);
  if (isEmptySelector(normalized)) {
    throw netsecError(where, what, selector, fix);
  }
  return normalized;
}

/**
 * Validates a label map (a plain object of string keys and values) and returns a copy with sorted keys.
 * An empty map is returned as is; use `normalizeRequiredLabels` where an empty map would select everything.
 */
export function normalizeLabels(where: string, labels: { [key: string]: string }): { [key: string]: string } {
  checkPlainObject(where, 'a label map', labels, undefined, 'Write labels as an object, e.g. { app: "web" }.');
  const entries: [string, string][] = [];
  for (const key of Object.keys(labels).sort(compareStrings)) {
    const value = labels[key];
    const badKey = checkLabelKey(key);
    if (badKey) {
      throw netsecError(where, `label key ${badKey}`, key,
        'Use a key like "app" or "example.com/tier": an optional DNS prefix, "/", and up to 63 characters [A-Za-z0-9-_.].');
    }
    if (key === 'constructor') {
      // cdk8s (sanitizeValue in its _util) takes an object with an own "constructor" field for a class
      // instance and fails at synth; refuse it here, where the caller can still fix it.
      throw netsecError(where, 'label key "constructor" cannot be emitted by cdk8s (it reads the field as the object\'s class)', key,
        'Use another key, or a prefixed one such as "example.com/constructor".');
    }
    if (typeof value !== 'string') {
      throw netsecError(where, `label "${key}" must have a string value`, value, 'Quote the value, e.g. { tier: "1" }.');
    }
    const badValue = checkLabelValue(value);
    if (badValue) {
      throw netsecError(where, `label "${key}" value ${badValue}`, value,
        'Use up to 63 characters [A-Za-z0-9-_.], starting and ending with a letter or digit.');
    }
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so no key (even one named like an Object member) touches a prototype.
  return Object.fromEntries(entries);
}

/**
 * Like `normalizeLabels`, but refuses an empty map: in a selector it would select every pod (or
 * namespace). `what` names the map and `fix` the factory that selects everything on purpose.
 */
export function normalizeRequiredLabels(where: string, labels: { [key: string]: string }, what: string, fix: string): { [key: string]: string } {
  const normalized = normalizeLabels(where, labels);
  if (Object.keys(normalized).length === 0) {
    throw netsecError(where, what, labels, fix);
  }
  return normalized;
}

/**
 * Refuses what JavaScript callers can pass where a plain object is expected: undefined, null, strings
 * (whose characters would read as keys), arrays, Maps and objects with another prototype (whose inherited
 * keys would be silently ignored), and, when `known` is given, unknown keys (a typo such as `matchLabel`
 * would otherwise drop a requirement and select more).
 */
export function checkPlainObject(where: string, what: string, value: unknown, known: string[] | undefined, fix: string): void {
  const prototype = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || (prototype !== Object.prototype && prototype !== null)) {
    throw netsecError(where, `${what} must be a plain object`, describeShape(value), fix);
  }
  if (known) {
    const unknown = Object.keys(value).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      throw netsecError(where, `${what} has unknown fields (${unknown.join(', ')}); known fields are ${known.join(', ')}`, value, fix);
    }
  }
}

/** Shows the JavaScript shape of a value that should have been a plain object. */
function describeShape(value: unknown): unknown {
  if (value instanceof Map) return `a Map of ${value.size}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return `an object inheriting ${safeKeys(prototype)}`;
  }
  return value;
}

function safeKeys(value: object): string {
  const name = (value as any).constructor?.name;
  return name && name !== 'Object' ? `from ${name}` : `the keys ${JSON.stringify(Object.keys(value))}`;
}

/** True when the selector has no requirement at all (selects everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A canonical string for a normalized selector (equal strings mean equal selectors). */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (selector.matchExpressions ?? []).map(expressionKey);
  return [...labels, ...expressions].join(',');
}

/** Renders a selector for people: `app=web,tier in (a,b)`, or `all` when empty. */
export function describeSelector(selector: LabelSelector): string {
  return isEmptySelector(selector) ? 'all' : selectorKey(selector);
}

/** Orders strings by UTF-16 code units, independent of locale, so output is the same everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalizeExpression(where: string, expression: LabelExpression): LabelExpression {
  checkPlainObject(where, 'a selector expression', expression, ['key', 'operator', 'values'],
    'Write an expression such as { key: "tier", operator: LabelOperator.IN, values: ["a"] }.');
  const badKey = typeof expression.key === 'string' ? checkLabelKey(expression.key) : 'must be a string';
  if (badKey) {
    throw netsecError(where, `selector expression key ${badKey}`, expression.key,
      'Use a valid label key, e.g. "app.kubernetes.io/name".');
  }
  if (!Object.values(LabelOperator).includes(expression.operator)) {
    throw netsecError(where, 'selector operator is unknown', expression.operator,
      'Use LabelOperator.IN, NOT_IN, EXISTS or DOES_NOT_EXIST.');
  }
  if (expression.values !== undefined && !Array.isArray(expression.values)) {
    throw netsecError(where, `selector values for "${expression.key}" must be a list`, expression.values,
      'Write values: ["a", "b"].');
  }
  const values = [...new Set(expression.values ?? [])].sort(compareStrings);
  const needsValues = expression.operator === LabelOperator.IN || expression.operator === LabelOperator.NOT_IN;
  if (needsValues && values.length === 0) {
    throw netsecError(where, `selector operator ${expression.operator} needs at least one value`, expression,
      'List the values to compare with, or use EXISTS / DOES_NOT_EXIST.');
  }
  if (!needsValues && values.length > 0) {
    throw netsecError(where, `selector operator ${expression.operator} takes no values`, expression,
      'Remove the values, or use IN / NOT_IN.');
  }
  for (const value of values) {
    const bad = typeof value === 'string' ? checkLabelValue(value) : 'must be a string';
    if (bad) {
      throw netsecError(where, `selector value for "${expression.key}" ${bad}`, value,
        'Use values that are valid label values.');
    }
  }
  return { key: expression.key, operator: expression.operator, ...(needsValues ? { values } : {}) };
}

function expressionKey(e: LabelExpression): string {
  return `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`;
}
