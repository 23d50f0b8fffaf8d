import * as fc from 'fast-check';
import { LabelOperator } from '../../src';
import {
  checkPlainObject, describeSelector, isEmptySelector, normalizeLabels, normalizeRequiredLabels, normalizeRequiredSelector,
  normalizeSelector, selectorKey,
} from '../../src/core/selector';

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

describe('required labels and selectors', () => {
  test('an empty map or selector is refused with the caller\'s words', () => {
    expect(() => normalizeRequiredLabels('f', {}, 'labels are empty', 'Use X.')).toThrow('f: labels are empty ({}). Use X.');
    expect(() => normalizeRequiredSelector('f', {}, 'selector is empty', 'Use Y.')).toThrow('f: selector is empty ({}). Use Y.');
    expect(() => normalizeRequiredSelector('f', { matchLabels: {}, matchExpressions: [] }, 'selector is empty', 'Use Y.')).toThrow(/^f: selector is empty/);
  });

  test('a non-empty map or selector comes back normalized', () => {
    expect(normalizeRequiredLabels('f', { b: '1', a: '2' }, 'w', 'x')).toEqual({ a: '2', b: '1' });
    expect(normalizeRequiredSelector('f', { matchExpressions: [{ key: 'a', operator: LabelOperator.EXISTS }] }, 'w', 'x'))
      .toEqual({ matchExpressions: [{ key: 'a', operator: 'Exists' }] });
  });

  test('normalizeLabels still accepts an empty map where it selects nothing (e.g. extra namespace labels)', () => {
    expect(normalizeLabels('f', {})).toEqual({});
  });
});

describe('checkPlainObject', () => {
  const fix = 'Fix.';
  test.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string', 'app=web', '"app=web"'],
    ['an array', [1], '[1]'],
    ['a Map', new Map(), '"a Map of 0"'],
    ['a Date', new Date(0), '"an object inheriting from Date"'],
  ])('refuses %s', (_name, value, shown) => {
    expect(() => checkPlainObject('f', 'a thing', value, undefined, fix)).toThrow(`f: a thing must be a plain object (${shown}). Fix.`);
  });

  test('refuses unknown fields when the known ones are given, and accepts plain and prototype-less objects', () => {
    expect(() => checkPlainObject('f', 'a selector', { matchLabel: {} }, ['matchLabels'], fix))
      .toThrow('f: a selector has unknown fields (matchLabel); known fields are matchLabels ({"matchLabel":{}}). Fix.');
    expect(() => checkPlainObject('f', 'x', { a: 1 }, undefined, fix)).not.toThrow();
    expect(() => checkPlainObject('f', 'x', Object.create(null), ['a'], fix)).not.toThrow();
  });

  test('a selector with a misspelt field is refused rather than read as "select everything"', () => {
    expect(() => normalizeSelector('f', { matchlabels: { app: 'x' } } as any)).toThrow(/^f: a label selector has unknown fields \(matchlabels\)/);
    expect(() => normalizeSelector('f', { matchExpressions: [{ key: 'a', operator: LabelOperator.IN, value: ['x'] }] } as any))
      .toThrow(/^f: a selector expression has unknown fields \(value\)/);
  });
});
