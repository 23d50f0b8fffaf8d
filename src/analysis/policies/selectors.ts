import { netsecError } from '../../core/errors';
import { checkLabelKey, checkLabelValue } from '../../core/names';

/*
 * Label selectors as the API server evaluates them (metav1.LabelSelector): every matchLabels pair and
 * every matchExpressions requirement must hold. NotIn and DoesNotExist hold when the key is absent.
 * Selectors are compiled once so that a policy set is evaluated against thousands of pods cheaply.
 */

/** A compiled label selector. */
export interface CompiledSelector {
  /** True when the selector has no requirements (`{}`), which selects everything. */
  readonly matchesAll: boolean;
  /** Canonical form: equal keys select the same objects. */
  readonly key: string;
  /** Human-readable form, e.g. `pod=a,tier in (b,c)` or `{}`. */
  readonly text: string;
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** Labels of an object the selector selects, or undefined when no labels can satisfy it. */
  sample(): Record<string, string> | undefined;
}

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** The selector `{}`: selects everything. */
export const SELECT_ALL: CompiledSelector = compileRequirements([]);

/**
 * Compiles a raw `metav1.LabelSelector` object. `where` names the manifest (for errors) and `field` the
 * path of the selector inside it.
 */
export function compileSelector(raw: unknown, where: string, field: string): CompiledSelector {
  if (raw === null || raw === undefined) return SELECT_ALL;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, `${field} is not a label selector object`, raw,
      'Write a selector such as { matchLabels: { app: "web" } }, or {} to select everything.');
  }
  const selector = raw as { matchLabels?: unknown; matchExpressions?: unknown };
  const requirements: Requirement[] = [];
  if (selector.matchLabels !== undefined && selector.matchLabels !== null) {
    if (typeof selector.matchLabels !== 'object' || Array.isArray(selector.matchLabels)) {
      throw netsecError(where, `${field}.matchLabels is not a map of label keys to values`, selector.matchLabels,
        'Write matchLabels as { key: "value" }.');
    }
    for (const [key, value] of Object.entries(selector.matchLabels as Record<string, unknown>)) {
      checkKey(key, where, `${field}.matchLabels`);
      if (typeof value !== 'string' || checkLabelValue(value) !== undefined) {
        throw netsecError(where, `${field}.matchLabels["${key}"] is not a valid label value`, value,
          'Label values are strings of up to 63 letters, digits, "-", "_" or "." (quote numbers and booleans in YAML).');
      }
      requirements.push({ key, operator: 'In', values: [value] });
    }
  }
  if (selector.matchExpressions !== undefined && selector.matchExpressions !== null) {
    if (!Array.isArray(selector.matchExpressions)) {
      throw netsecError(where, `${field}.matchExpressions is not a list`, selector.matchExpressions,
        'Write matchExpressions as a list of { key, operator, values }.');
    }
    selector.matchExpressions.forEach((expression: unknown, i: number) => {
      requirements.push(compileExpression(expression, where, `${field}.matchExpressions[${i}]`));
    });
  }
  return compileRequirements(requirements);
}

function compileExpression(raw: unknown, where: string, field: string): Requirement {
  const expression = (raw ?? {}) as { key?: unknown; operator?: unknown; values?: unknown };
  if (typeof expression.key !== 'string') {
    throw netsecError(where, `${field}.key is missing`, raw, 'Every match expression names a label key.');
  }
  checkKey(expression.key, where, `${field}.key`);
  const operator = expression.operator;
  if (typeof operator !== 'string' || !OPERATORS.includes(operator as Operator)) {
    throw netsecError(where, `${field}.operator is not a label selector operator`, operator,
      'Use one of In, NotIn, Exists, DoesNotExist (case-sensitive).');
  }
  const values = expression.values ?? [];
  if (!Array.isArray(values) || values.some(v => typeof v !== 'string' || checkLabelValue(v) !== undefined)) {
    throw netsecError(where, `${field}.values is not a list of label values`, values,
      'Write values as a list of strings, e.g. ["a", "b"].');
  }
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    throw netsecError(where, `${field}.values is empty for operator ${operator}`, values,
      `Give at least one value for ${operator}, or use ${operator === 'In' ? 'Exists' : 'DoesNotExist'}.`);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    throw netsecError(where, `${field}.values must be empty for operator ${operator}`, values,
      `Remove the values, or use ${operator === 'Exists' ? 'In' : 'NotIn'} to compare them.`);
  }
  return { key: expression.key, operator: operator as Operator, values: [...new Set(values as string[])].sort() };
}

function checkKey(key: string, where: string, field: string): void {
  const problem = checkLabelKey(key);
  if (problem) {
    throw netsecError(where, `${field} has an invalid label key: it ${problem}`, key,
      'Use a label key such as "app" or "example.com/tier".');
  }
}

function compileRequirements(requirements: Requirement[]): CompiledSelector {
  const sorted = [...requirements].sort((a, b) => compare(a.key, b.key) || compare(a.operator, b.operator)
    || compare(a.values.join(','), b.values.join(',')));
  const text = sorted.length === 0 ? '{}' : sorted.map(describe).join(',');
  const key = JSON.stringify(sorted.map(r => [r.key, r.operator, r.values]));
  return {
    matchesAll: sorted.length === 0,
    key,
    text,
    matches: (labels) => sorted.every(r => holds(r, labels)),
    sample: () => {
      const labels = sampleLabels(sorted);
      return labels !== undefined && sorted.every(r => holds(r, labels)) ? labels : undefined;
    },
  };
}

/** A candidate label set for requirements: the first allowed value per key, keys absent where allowed. */
function sampleLabels(requirements: readonly Requirement[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const key of [...new Set(requirements.map(r => r.key))]) {
    const on = requirements.filter(r => r.key === key);
    const mustBePresent = on.some(r => r.operator === 'In' || r.operator === 'Exists');
    if (!mustBePresent) continue;
    if (on.some(r => r.operator === 'DoesNotExist')) return undefined;
    const excluded = new Set(on.filter(r => r.operator === 'NotIn').flatMap(r => r.values));
    const allowedSets = on.filter(r => r.operator === 'In').map(r => r.values);
    const candidates = allowedSets.length > 0
      ? allowedSets[0].filter(v => allowedSets.every(set => set.includes(v)))
      : ['present', 'x', 'y'];
    const value = candidates.find(v => !excluded.has(v));
    if (value === undefined) return undefined;
    labels[key] = value;
  }
  return labels;
}

function holds(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  switch (requirement.operator) {
    case 'In': return present && requirement.values.includes(labels[requirement.key]);
    case 'NotIn': return !present || !requirement.values.includes(labels[requirement.key]);
    case 'Exists': return present;
    case 'DoesNotExist': return !present;
  }
}

function describe(requirement: Requirement): string {
  switch (requirement.operator) {
    case 'In':
      return requirement.values.length === 1
        ? `${requirement.key}=${requirement.values[0]}`
        : `${requirement.key} in (${requirement.values.join(',')})`;
    case 'NotIn': return `${requirement.key} notin (${requirement.values.join(',')})`;
    case 'Exists': return requirement.key;
    case 'DoesNotExist': return `!${requirement.key}`;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
