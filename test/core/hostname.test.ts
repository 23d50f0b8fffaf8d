import { checkHostname, checkServedHostname, isWildcardHostname } from '../../src/core/hostname';

describe('checkHostname', () => {
  test.each([
    ['a name', 'shop.example.com'],
    ['a single label', 'localhost'],
    ['one-letter labels', 'a.b'],
    ['a punycode label', 'xn--bcher-kva.example'],
    ['a label of digits and "-"', '0-9.example.com'],
    ['a 63-character label', `${'a'.repeat(63)}.example.com`],
    ['a 251-character name', Array(4).fill('a'.repeat(62)).join('.')],
  ])('accepts %s', (_what, host) => {
    expect(checkHostname(host, false)).toBeUndefined();
  });

  test.each([
    ['', /non-empty/],
    ['Shop.example.com', /lower case/],
    ['shop.example.com.', /must not end with "."/],
    ['shop..example.com', /empty label/],
    ['.example.com', /empty label/],
    ['-shop.example.com', /label that is not/],
    ['shop-.example.com', /label that is not/],
    ['shop_api.example.com', /label that is not/],
    ['a'.repeat(64) + '.example.com', /longer than 63/],
    [Array(5).fill('a'.repeat(60)).join('.'), /at most 253/],
    ['203.0.113.10', /not an IP address/],
    ['2001:db8::1', /not an IP address/],
  ])('rejects %#: %s', (host, problem) => {
    expect(checkHostname(host as string, true)).toMatch(problem as RegExp);
  });

  test('a wildcard is the whole leftmost label, and only when allowed', () => {
    expect(checkHostname('*.example.com', true)).toBeUndefined();
    expect(checkHostname('*.example.com', false)).toMatch(/must not contain a wildcard/);
    expect(checkHostname('*', true)).toMatch(/name a domain after the wildcard/);
    expect(checkHostname('shop.*.example.com', true)).toMatch(/only as the whole leftmost label/);
    expect(checkHostname('*shop.example.com', true)).toMatch(/only as the whole leftmost label/);
    expect(checkHostname('*.*.example.com', true)).toMatch(/only as the whole leftmost label/);
  });

  test('isWildcardHostname', () => {
    expect(isWildcardHostname('*.example.com')).toBe(true);
    expect(isWildcardHostname('shop.example.com')).toBe(false);
  });
});

describe('checkServedHostname (edge hosts and certificate names)', () => {
  test.each([
    ['*.com', /wildcard directly over a top-level domain/],
    ['*.internal', /wildcard directly over a top-level domain/],
    ['0x7f.0.0.1', /numeric label/],
    ['1.2.3.4.5', /numeric label/],
    ['shop.123', /numeric label/],
    ['123', /numeric label/],
    ['shop.0xff', /numeric label/],
    ['a.*.example.com', /only as the whole leftmost label/],
  ])('refuses %s', (host, problem) => {
    expect(checkServedHostname(host, true)).toMatch(problem);
  });

  test.each(['shop.example.com', '*.example.com', 'localhost', '0x7f.example.com', 'shop.example.c0m', 'api.shop.svc', '123.example.com'])('accepts %s', (host) => {
    expect(checkServedHostname(host, true)).toBeUndefined();
  });
});
