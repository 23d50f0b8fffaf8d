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
 * An empty selector selects everything.
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
  const matchLabels = normalizeLabels(where, selector.matchLabels ?? {});
  const expressions = (selector.matchExpressions ?? []).map((e) => normalizeExpression(where, e));
  expressions.sort((a, b) => compareStrings(expressionKey(a), expressionKey(b)));
  const unique = expressions.filter((e, i) => i === 0 || expressionKey(e) !== expressionKey(expressions[i - 1]));
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(unique.length > 0 ? { matchExpressions: unique } : {}),
  };
}

/** Validates label keys and values and returns a copy with sorted keys. */
export function normalizeLabels(where: string, labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const key of Object.keys(labels).sort(compareStrings)) {
    const value = labels[key];
    const badKey = checkLabelKey(key);
    if (badKey) {
      throw netsecError(where, `label key ${badKey}`, key,
        'Use a key like "app" or "example.com/tier": an optional DNS prefix, "/", and up to 63 characters [A-Za-z0-9-_.].');
    }
    if (typeof value !== 'string') {
      throw netsecError(where, `label "${key}" must have a string value`, value, 'Quote the value, e.g. { tier: "1" }.');
    }
    const badValue = checkLabelValue(value);
    if (badValue) {
      throw netsecError(where, `label "${key}" value ${badValue}`, value,
        'Use up to 63 characters [A-Za-z0-9-_.], starting and ending with a letter or digit.');
    }
    out[key] = value;
  }
  return out;
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
  const badKey = checkLabelKey(expression.key);
  if (badKey) {
    throw netsecError(where, `selector expression key ${badKey}`, expression.key,
      'Use a valid label key, e.g. "app.kubernetes.io/name".');
  }
  if (!Object.values(LabelOperator).includes(expression.operator)) {
    throw netsecError(where, 'selector operator is unknown', expression.operator,
      'Use LabelOperator.IN, NOT_IN, EXISTS or DOES_NOT_EXIST.');
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
    const bad = checkLabelValue(value);
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
