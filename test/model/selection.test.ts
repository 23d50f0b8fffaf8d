import { LabelOperator } from '../../src/core/selector';
import { Selection, selectionOf } from '../../src/model/selection';

/*
 * How a peer's pods relate to an isolated group's, from selectors alone: the rule that decides whether
 * a flow is written on the group too (ALL), refused (SUBSET), or left alone (NONE, UNDETERMINED).
 */
const tier = { namespace: 'data', podLabels: { app: 'db' } };
const namespace = { namespace: 'data', podLabels: {} };

describe('selectionOf', () => {
  test.each<[string, any, string, Selection]>([
    ['the same labels in the same namespace', { podSelector: { matchLabels: { app: 'db' } }, namespace: 'data' }, 'shop', Selection.ALL],
    ['fewer labels (a wider selector)', { podSelector: { matchExpressions: [{ key: 'app', operator: LabelOperator.EXISTS }] }, namespace: 'data' }, 'shop', Selection.ALL],
    ['an In that lists the value', { podSelector: { matchExpressions: [{ key: 'app', operator: LabelOperator.IN, values: ['db', 'cache'] }] }, namespace: 'data' }, 'shop', Selection.ALL],
    ['every pod of the namespace', { namespace: 'data' }, 'shop', Selection.ALL],
    ['every pod of every namespace', { allNamespaces: true }, 'shop', Selection.ALL],
    ['the namespace by its name label', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }, 'shop', Selection.ALL],
    ['no namespace: the policy\'s namespace', { podSelector: { matchLabels: { app: 'db' } } }, 'data', Selection.ALL],
    ['another namespace', { podSelector: { matchLabels: { app: 'db' } }, namespace: 'shop' }, 'shop', Selection.NONE],
    ['no namespace, another policy namespace', { podSelector: { matchLabels: { app: 'db' } } }, 'shop', Selection.NONE],
    ['another value of the same key', { podSelector: { matchLabels: { app: 'web' } }, namespace: 'data' }, 'shop', Selection.NONE],
    ['NotIn the value', { podSelector: { matchExpressions: [{ key: 'app', operator: LabelOperator.NOT_IN, values: ['db'] }] }, namespace: 'data' }, 'shop', Selection.NONE],
    ['DoesNotExist on a fixed key', { podSelector: { matchExpressions: [{ key: 'app', operator: LabelOperator.DOES_NOT_EXIST }] }, namespace: 'data' }, 'shop', Selection.NONE],
    ['an address block', { ipBlock: { cidr: '10.0.0.0/8' } }, 'shop', Selection.NONE],
    ['more labels (a subset of the tier)', { podSelector: { matchLabels: { app: 'db', role: 'replica' } }, namespace: 'data' }, 'shop', Selection.SUBSET],
    ['other keys only', { podSelector: { matchLabels: { role: 'replica' } }, namespace: 'data' }, 'shop', Selection.UNDETERMINED],
    ['namespaces by unknown labels', { podSelector: { matchLabels: { app: 'db' } }, namespaceSelector: { matchLabels: { team: 'data' } } }, 'shop', Selection.UNKNOWN_NAMESPACE],
  ])('a tier: %s', (_what, config, context, expected) => {
    expect(selectionOf(config, context, tier)).toBe(expected);
  });

  test('a namespace isolation: labelled pods are a subset of it, a namespace peer all of it', () => {
    expect(selectionOf({ podSelector: { matchLabels: { app: 'db' } }, namespace: 'data' }, 'shop', namespace)).toBe(Selection.SUBSET);
    expect(selectionOf({ namespace: 'data' }, 'shop', namespace)).toBe(Selection.ALL);
  });

  test('namespace labels the app emits are known exactly: the selector is decided, not unknown', () => {
    const labelled = { namespace: 'data', podLabels: { app: 'db' }, namespaceLabels: { team: 'data' } };
    expect(selectionOf({ podSelector: { matchLabels: { app: 'db' } }, namespaceSelector: { matchLabels: { team: 'data' } } }, 'shop', labelled)).toBe(Selection.ALL);
    expect(selectionOf({ podSelector: { matchLabels: { app: 'db' } }, namespaceSelector: { matchLabels: { team: 'ops' } } }, 'shop', labelled)).toBe(Selection.NONE);
  });
});
