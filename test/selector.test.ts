import * as fc from 'fast-check';
import { LabelOperator } from '../src';
import { describeSelector, isEmptySelector, normalizeLabels, normalizeSelector, selectorKey } from '../src/selector';

const labelName = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,20}[a-z0-9])?$/);
const labels = fc.dictionary(labelName, fc.oneof(fc.constant(''), labelName), { maxKeys: 5 });

describe('normalizeSelector', () => {
  test('is idempotent and independent of key and expression order', () => {
    const expression = fc.record({ key: labelName, values: fc.array(labelName, { minLength: 1, maxLength: 3 }) });
    fc.assert(fc.property(labels, fc.array(expression, { maxLength: 3 }), (matchLabels, exprs) => {
      const expressions = exprs.map((e) => ({ key: e.key, operator: LabelOperator.IN, values: e.values }));
      const once = normalizeSelector('t', { matchLabels, matchExpressions: expressions });
      expect(normalizeSelector('t', once)).toEqual(once);
      const reversed = normalizeSelector('t', {
        matchLabels: Object.fromEntries(Object.entries(matchLabels).reverse()),
        matchExpressions: [...expressions].reverse().map((e) => ({ ...e, values: [...e.values].reverse() })),
      });
      expect(selectorKey(reversed)).toBe(selectorKey(once));
    }));
  });

  test('drops empty parts; an empty selector selects everything', () => {
    expect(normalizeSelector('t', { matchLabels: {}, matchExpressions: [] })).toEqual({});
    expect(isEmptySelector({})).toBe(true);
    expect(describeSelector({})).toBe('all');
    expect(describeSelector(normalizeSelector('t', { matchLabels: { b: '2', a: '1' } }))).toBe('a=1,b=2');
  });

  test('NotIn and DoesNotExist keep their semantics and values', () => {
    expect(normalizeSelector('t', { matchExpressions: [{ key: 'env', operator: LabelOperator.NOT_IN, values: ['prod'] }] }))
      .toEqual({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
  });

  test('invalid keys or values always throw with the caller named', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => /[^A-Za-z0-9-_./]/.test(k)), (badKey) => {
      expect(() => normalizeLabels('caller/path', { [badKey]: 'x' })).toThrow(/^caller\/path: label key/);
    }));
    expect(() => normalizeLabels('p', { app: 5 as any })).toThrow(/p: label "app" must have a string value \(5\)\. Quote the value/);
  });
});
