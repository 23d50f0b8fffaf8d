import { IConstruct } from 'constructs';
import { netsecError } from '../core/errors';
import { checkServedHostname } from '../core/hostname';

/*
 * What an edge matches: host names and request paths, checked as the API server (Ingress) and Gateway
 * API (HTTPRoute) check them, so that nothing they would refuse is emitted.
 */

/** How an Ingress path matches request paths. */
export enum PathType {
  /** The path and everything below it, matched per path element (`/api` matches `/api/v1`, not `/apiv1`). */
  PREFIX = 'Prefix',
  /** Only the path itself. */
  EXACT = 'Exact',
}

/** What ingress controllers and Gateway API accept in Prefix and Exact paths (ingress-nginx's strict path validation). */
const PATH = /^\/[A-Za-z0-9/_.-]*$/;
/** Path segments the API server refuses in Ingress paths (and Gateway API in HTTPRoute paths): "." and "..". */
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** Checks a PathType given from JavaScript. */
export function checkPathType(scope: IConstruct | string, pathType: PathType): PathType {
  if (!Object.values(PathType).includes(pathType)) {
    throw netsecError(scope, 'pathType is not a PathType', pathType, 'Use PathType.PREFIX or PathType.EXACT.');
  }
  return pathType;
}

/** The host names of `host` or `hostList` (exactly one of them), each checked, none twice. */
export function resolveHosts(scope: IConstruct | string, host: string | undefined, hostList: string[] | undefined): string[] {
  if (host !== undefined && hostList !== undefined) {
    throw netsecError(scope, 'both host and hosts are set', { host, hosts: hostList }, 'Use host for one name or hosts for several, not both.');
  }
  if (hostList !== undefined && !Array.isArray(hostList)) {
    throw netsecError(scope, 'hosts must be an array', hostList, 'Pass hosts: ["shop.example.com", "www.example.com"].');
  }
  const hosts = host !== undefined ? [host] : [...(hostList ?? [])];
  if (hosts.length === 0) {
    throw netsecError(scope, 'no host is given', hostList, 'Pass host: "shop.example.com" (or hosts: [...]); an edge without a host cannot have a certificate.');
  }
  for (const [i, name] of hosts.entries()) {
    const bad = checkServedHostname(name, true);
    if (bad) {
      throw netsecError(scope, `host ${bad}`, name,
        'Use a DNS name such as "shop.example.com"; a wildcard only as the whole leftmost label, as in "*.example.com".');
    }
    if (hosts.indexOf(name) !== i) throw netsecError(scope, 'a host is listed twice', name, 'List each host once.');
  }
  return hosts;
}

/** The request paths, each a plain absolute path the API server accepts, none twice (a checked copy). */
export function resolvePaths(scope: IConstruct | string, given: string[]): string[] {
  if (!Array.isArray(given)) throw netsecError(scope, 'paths must be an array', given, 'Pass paths: ["/api"].');
  // The copy is what is checked and returned: a Proxy array could list other paths on a second read.
  const paths = [...given];
  if (paths.length === 0) throw netsecError(scope, 'paths is empty', paths, 'Leave paths out to route "/", or list paths such as "/api".');
  for (const [i, path] of paths.entries()) {
    if (typeof path !== 'string' || !PATH.test(path)) {
      throw netsecError(scope, 'path must start with "/" and contain only letters, digits, "/", "_", "-" and "."', path,
        'Write a plain path such as "/api"; regular expressions are not Prefix or Exact paths.');
    }
    if (path.includes('//') || DOT_SEGMENT.test(path)) {
      throw netsecError(scope, 'path contains "//" or a "." or ".." segment, which the API server refuses', path,
        'Write the path without empty, "." and ".." segments, e.g. "/api/v1".');
    }
    if (paths.indexOf(path) !== i) throw netsecError(scope, 'a path is listed twice', path, 'List each path once.');
  }
  return paths;
}
