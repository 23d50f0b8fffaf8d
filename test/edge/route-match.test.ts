import { checkPathType, PathType, resolveHosts, resolvePaths } from '../../src/edge/route-match';

/* Hosts and paths of an edge, as the API server and Gateway API accept them (SecureIngress uses these). */

describe('route matches', () => {
  const at = 'shop/public';

  test('plain paths pass; dots inside a segment are fine', () => {
    expect(resolvePaths(at, ['/', '/api/v1', '/.well-known/acme', '/v1.2', '/a..b', '/a/b.'])).toEqual(['/', '/api/v1', '/.well-known/acme', '/v1.2', '/a..b', '/a/b.']);
  });

  test.each(['//', '/a//b', '/a/', '/./', '/a/./b', '/../', '/a/../b', '/a/.', '/a/..', '/.', '/..'].filter((p) => p !== '/a/'))(
    'the path %s is refused with the value and the fix', (path) => {
      expect(() => resolvePaths(at, [path])).toThrow(
        new RegExp(`^shop/public: path contains "//" or a "\\." or "\\.\\." segment, which the API server refuses \\(${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)\\. Write the path without empty, "\\." and "\\.\\." segments`));
    });

  test('a trailing slash is a plain prefix, not an empty segment', () => {
    expect(resolvePaths(at, ['/api/'])).toEqual(['/api/']);
  });

  test('hosts: one of host and hosts, each valid, none twice', () => {
    expect(resolveHosts(at, 'shop.example.com', undefined)).toEqual(['shop.example.com']);
    expect(resolveHosts(at, undefined, ['a.example.com', '*.example.com'])).toEqual(['a.example.com', '*.example.com']);
    expect(() => resolveHosts(at, undefined, 'a.example.com' as any)).toThrow(/^shop\/public: hosts must be an array \("a.example.com"\)/);
    expect(() => resolveHosts(at, 7 as any, undefined)).toThrow(/^shop\/public: host must be a non-empty string \(7\)/);
  });

  test('pathType from JavaScript must be a PathType', () => {
    expect(checkPathType(at, PathType.EXACT)).toBe(PathType.EXACT);
    expect(() => checkPathType(at, 'ImplementationSpecific' as any)).toThrow(/^shop\/public: pathType is not a PathType \("ImplementationSpecific"\)\. Use PathType.PREFIX or PathType.EXACT/);
  });
});
