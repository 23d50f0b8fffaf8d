import * as fc from 'fast-check';
import { checkDns1123Label, checkLabelKey, checkLabelValue, checkPortName, toDnsLabel } from '../src/names';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('toDnsLabel', () => {
  test('any ids give a valid DNS-1123 label of at most the requested length', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 12, max: 63 }), (ids, max) => {
      const name = toDnsLabel(ids, max);
      expect(name).toMatch(DNS_LABEL);
      expect(name.length).toBeLessThanOrEqual(max);
      expect(checkDns1123Label(name)).toBeUndefined();
    }));
  });

  test('is stable and readable for plain ids', () => {
    expect(toDnsLabel(['Payments', 'Api_V2'])).toBe('payments-api-v2');
    expect(toDnsLabel(['web'])).toBe(toDnsLabel(['web']));
  });

  test('long ids sharing a prefix stay distinct through the hash', () => {
    expect(toDnsLabel(['x'.repeat(80) + 'a'])).not.toBe(toDnsLabel(['x'.repeat(80) + 'b']));
    expect(toDnsLabel(['x'.repeat(80) + 'a'])).toHaveLength(63);
  });

  test('ids that differ only in non-ASCII characters stay distinct', () => {
    expect(toDnsLabel(['Zürich'])).not.toBe(toDnsLabel(['Zurich']));
    expect(toDnsLabel(['日本'])).toMatch(DNS_LABEL);
  });
});

describe('label syntax', () => {
  test('keys: optional DNS prefix and a name of up to 63 characters', () => {
    expect(checkLabelKey('app')).toBeUndefined();
    expect(checkLabelKey('app.kubernetes.io/name')).toBeUndefined();
    expect(checkLabelKey('a'.repeat(64))).toMatch(/longer than 63/);
    expect(checkLabelKey('x/')).toMatch(/empty name/);
    expect(checkLabelKey('a/b/c')).toBeDefined();
  });

  test('values: empty or up to 63 alphanumeric characters with -_. inside', () => {
    expect(checkLabelValue('')).toBeUndefined();
    expect(checkLabelValue('v1.2_3-x')).toBeUndefined();
    expect(checkLabelValue('a b')).toBeDefined();
    expect(checkLabelValue('x'.repeat(64))).toBeDefined();
  });

  test('random strings are accepted exactly when they match the label value grammar', () => {
    fc.assert(fc.property(fc.string({ maxLength: 70 }), (value) => {
      const valid = value.length <= 63 && (value === '' || /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value));
      expect(checkLabelValue(value) === undefined).toBe(valid);
    }));
  });

  test('port names follow IANA_SVC_NAME', () => {
    expect(checkPortName('http')).toBeUndefined();
    expect(checkPortName('h2c-web')).toBeUndefined();
    for (const bad of ['', 'x'.repeat(16), 'Web', 'a--b', '123', '-a', 'a-']) expect(checkPortName(bad)).toBeDefined();
  });
});
