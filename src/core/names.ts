import { createHash } from 'crypto';

/*
 * Kubernetes name and label syntax, as the API server validates it (k8s.io/apimachinery validation).
 * Every check returns an explanation of what is wrong, or undefined when the value is valid, so callers
 * can wrap it into an error that also names the construct and the fix. Values that are not strings (from
 * JavaScript callers) are reported as such rather than failing with a TypeError.
 */

const NOT_A_STRING = 'must be a string';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function checkDns1123Label(value: string): string | undefined {
  if (typeof value !== 'string') return NOT_A_STRING;
  if (value.length > 63) return 'must be at most 63 characters';
  if (!DNS1123_LABEL.test(value)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

export function checkDns1123Subdomain(value: string): string | undefined {
  if (typeof value !== 'string') return NOT_A_STRING;
  if (value.length > 253) return 'must be at most 253 characters';
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit';
  }
  return undefined;
}

/** Checks a label (or annotation) key: an optional DNS-1123 subdomain prefix, "/", and a name of up to 63 characters. */
export function checkLabelKey(key: string): string | undefined {
  if (typeof key !== 'string') return NOT_A_STRING;
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    const bad = checkDns1123Subdomain(prefix);
    if (bad) return `has a prefix that ${bad}`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return 'has a name longer than 63 characters';
  if (!LABEL_NAME.test(name)) {
    return 'has a name that is not alphanumeric with "-", "_" or "." inside';
  }
  return undefined;
}

/** Checks a label value: empty, or up to 63 alphanumeric characters with "-", "_" or "." inside. */
export function checkLabelValue(value: string): string | undefined {
  if (typeof value !== 'string') return NOT_A_STRING;
  if (value.length > 63) return 'must be at most 63 characters';
  if (value.length > 0 && !LABEL_NAME.test(value)) {
    return 'must be empty or alphanumeric with "-", "_" or "." inside, starting and ending with a letter or digit';
  }
  return undefined;
}

/** Checks a port name (IANA_SVC_NAME): 1-15 lower-case letters, digits and "-", at least one letter, no "--". */
export function checkPortName(name: string): string | undefined {
  if (typeof name !== 'string') return NOT_A_STRING;
  if (name.length === 0 || name.length > 15) return 'must be 1 to 15 characters';
  if (!IANA_SVC_NAME.test(name)) {
    return 'must be lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  if (name.includes('--')) return 'must not contain "--"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  return undefined;
}

/**
 * Turns construct ids into a readable DNS-1123 label: lower-cased, anything else mapped to "-", runs
 * collapsed. Over `maxLength`, it is cut and a short hash of the full input is appended so that two
 * long ids that share a prefix still get different names.

 */
export function toDnsLabel(parts: string[], maxLength = 63): string {
  const joined = parts.join('-');
  let name = joined
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // A name that had to change (unicode, case) keeps a hash so two ids that differ only there stay distinct.
  const lossy = name !== joined;
  if (name.length === 0 || name.length > maxLength || (lossy && /[^\x00-\x7f]/.test(joined))) {
    const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
    const room = maxLength - hash.length - 1;
    const head = name.slice(0, room).replace(/-+$/, '');
    name = head.length > 0 ? `${head}-${hash}` : `x${hash}`;
  }
  return name;
}

/**
 * A readable DNS-1123 label for an object that stands for `identity` (a host name, a label set, an
 * address): `toDnsLabel(parts)`, plus a short hash of `identity` whenever `identity` is not itself a
 * DNS-1123 label, because then flattening it may map two identities to one name (`a.b.example.com` and
 * `a-b.example.com`, `*.example.com` and `wildcard.example.com`). Use it wherever a generated name is
 * derived from user data rather than from construct ids.
 */
export function toDistinctDnsLabel(parts: string[], identity: string, maxLength = 63): string {
  if (checkDns1123Label(identity) === undefined) return toDnsLabel(parts, maxLength);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8);
  const head = toDnsLabel(parts, maxLength - hash.length - 1);
  return `${head}-${hash}`;
}
