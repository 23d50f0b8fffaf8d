/*
 * Host names as DNS and the Kubernetes API server accept them: RFC 1123 labels joined by dots, lower
 * case, and a wildcard only as the whole leftmost label. Used for Ingress hosts, certificate dnsNames
 * and FQDN egress destinations. Every check returns what is wrong, or undefined when the value is valid,
 * so that callers can wrap it into an error that names their construct and the fix.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IPV4_LIKE = /^[0-9]+(\.[0-9]+){3}$/;

/**
 * Checks a host name: at most 253 characters of dot-separated labels, each 1-63 lower-case letters,
 * digits and "-", starting and ending with a letter or digit. With `allowWildcard`, the leftmost label
 * may be exactly `*` (as in `*.example.com`), which matches one label, never several.
 *
 * @returns what is wrong with `value`, or undefined when it is a valid host name
 */
export function checkHostname(value: string, allowWildcard: boolean): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > 253) return 'must be at most 253 characters';
  if (value.endsWith('.')) return 'must not end with "." (write the name without the root dot)';
  if (value !== value.toLowerCase()) return 'must be lower case';
  if (IPV4_LIKE.test(value) || value.includes(':')) return 'must be a DNS name, not an IP address';
  const labels = value.split('.');
  const wildcard = labels[0] === '*';
  if (value.includes('*')) {
    if (!allowWildcard) return 'must not contain a wildcard "*"';
    if (!wildcard || labels.slice(1).some((l) => l.includes('*'))) {
      return 'may contain "*" only as the whole leftmost label, as in "*.example.com"';
    }
    if (labels.length < 2) return 'must name a domain after the wildcard, as in "*.example.com"';
  }
  for (const label of wildcard ? labels.slice(1) : labels) {
    if (label.length === 0) return 'must not contain an empty label ("..", or a leading ".")';
    if (label.length > 63) return `has a label longer than 63 characters ("${label.slice(0, 20)}...")`;
    if (!LABEL.test(label)) {
      return `has a label that is not letters, digits and "-" starting and ending with a letter or digit ("${label}")`;
    }
  }
  return undefined;
}

/** True when `value` is a wildcard host name such as `*.example.com`. */
export function isWildcardHostname(value: string): boolean {
  return value.startsWith('*.');
}

/** A top-level label that URL parsers read as a number (WHATWG "ends in a number": digits, or 0x and hex digits). */
const NUMERIC_LABEL = /^([0-9]+|0x[0-9a-f]*)$/;

/**
 * Checks a host name that an edge serves or a certificate names: `checkHostname`, and also refuses
 *
 * - a wildcard directly over one label (`*.com`, `*.internal`): it would claim every name under a
 *   top-level domain for one backend and one certificate;
 * - a last label that URL parsers read as a number (`0x7f.0.0.1`, `10.0.0.1.5`, `shop.123`): browsers
 *   and HTTP clients treat such a host as an IPv4 address (or refuse it), never as the name written.
 *
 * @returns what is wrong with `value`, or undefined when it is a valid host name to serve
 */
export function checkServedHostname(value: string, allowWildcard: boolean): string | undefined {
  const syntax = checkHostname(value, allowWildcard);
  if (syntax) return syntax;
  const labels = value.split('.');
  if (isWildcardHostname(value) && labels.length < 3) {
    return 'puts the wildcard directly over a top-level domain; name the domain under it, as in "*.example.com"';
  }
  if (NUMERIC_LABEL.test(labels[labels.length - 1])) {
    return 'ends in a numeric label, which URL parsers read as an IPv4 address, not a name';
  }
  return undefined;
}
