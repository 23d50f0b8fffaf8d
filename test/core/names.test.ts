import * as fc from 'fast-check';
import { checkDns1123Label, checkDns1123Subdomain, checkLabelKey, checkLabelValue, checkPortName, toDistinctDnsLabel, toDnsLabel } from '../../src/core/names';

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

describe('toDistinctDnsLabel', () => {
  /** How a caller names an object for a host name: the base name and the flattened host. */
  const forHost = (host: string) => toDistinctDnsLabel(['egress', host.replace(/^\*\./, 'wildcard.')], host);
  /** How a caller names an object for a label set: the values, with the canonical label set as identity. */
  const forLabels = (labels: { [k: string]: string }) => toDistinctDnsLabel(['mtls', ...Object.values(labels)],
    Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','));

  test('host names that flatten to one string get distinct names', () => {
    expect(toDnsLabel(['egress', 'a.b.example.com'])).toBe(toDnsLabel(['egress', 'a-b.example.com']));
    expect(forHost('a.b.example.com')).not.toBe(forHost('a-b.example.com'));
    expect(toDnsLabel(['egress', 'wildcard.example.com'])).toBe(toDnsLabel(['egress', '*.example.com'.replace(/^\*\./, 'wildcard.')]));
    expect(forHost('*.example.com')).not.toBe(forHost('wildcard.example.com'));
  });

  test('label sets that flatten to one string get distinct names', () => {
    expect(toDnsLabel(['mtls', ...Object.values({ app: 'a-b' })])).toBe(toDnsLabel(['mtls', ...Object.values({ app: 'a', tier: 'b' })]));
    expect(forLabels({ app: 'a-b' })).not.toBe(forLabels({ app: 'a', tier: 'b' }));
    expect(forLabels({ app: 'web' })).not.toBe(forLabels({ tier: 'web' }));
  });

  test('stays readable: the flattened parts, then a short hash; no hash when the identity is a DNS label', () => {
    expect(forHost('api.stripe.com')).toMatch(/^egress-api-stripe-com-[0-9a-f]{8}$/);
    expect(toDistinctDnsLabel(['sidecar', 'web'], 'web')).toBe('sidecar-web');
    expect(forHost('api.stripe.com')).toBe(forHost('api.stripe.com'));
  });

  test('property: valid DNS labels of at most maxLength, distinct for distinct identities', () => {
    const host = fc.array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/), { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
    const identity = fc.oneof(host, host.map((h) => `*.${h}`), fc.string({ maxLength: 40 }));
    fc.assert(fc.property(identity, identity, fc.integer({ min: 20, max: 63 }), (a, b, max) => {
      const name = (id: string) => toDistinctDnsLabel(['x', id.replace(/^\*\./, 'wildcard.')], id, max);
      for (const id of [a, b]) {
        expect(checkDns1123Label(name(id))).toBeUndefined();
        expect(name(id).length).toBeLessThanOrEqual(max);
      }
      if (a !== b) expect(name(a)).not.toBe(name(b));
    }), { numRuns: 500 });
  });
});

describe('checks from plain JavaScript', () => {
  test.each([undefined, null, 5, {}, ['a']])('every syntax check reports %p as not a string instead of throwing', (value) => {
    for (const check of [checkDns1123Label, checkDns1123Subdomain, checkLabelKey, checkLabelValue, checkPortName]) {
      expect(check(value as any)).toBe('must be a string');
    }
  });
});
