/*
 * Test helpers for Istio output: the CEL rules of the pinned Istio v1 CRDs that the kubernetes-models
 * schemas do not check, and a small evaluator of AuthorizationPolicies (sidecar semantics for the fields
 * the library writes) to prove what the policies allow.
 */

/** Fails when an Istio object breaks a rule of its CRD that the JSON schema cannot express. */
export function checkIstioRules(obj: any): void {
  const id = `${obj.kind} ${obj.metadata?.namespace}/${obj.metadata?.name}`;
  const fail = (what: string): never => {
    throw new Error(`${id}: ${what}`);
  };
  const spec = obj.spec ?? {};
  for (const [k, v] of Object.entries(spec.selector?.matchLabels ?? {})) {
    if (k.length === 0 || k.includes('*') || String(v).includes('*')) fail(`selector label ${k}=${v} is not allowed`);
  }
  if (obj.kind === 'PeerAuthentication' && spec.portLevelMtls !== undefined) {
    if (Object.keys(spec.selector?.matchLabels ?? {}).length === 0) fail('portLevelMtls requires selector');
    for (const port of Object.keys(spec.portLevelMtls)) {
      if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`port ${port} must be between 1-65535`);
    }
  }
  if (obj.kind === 'AuthorizationPolicy') {
    if ((spec.rules ?? []).length > 512) fail('more than 512 rules');
    for (const rule of spec.rules ?? []) {
      if ((rule.from ?? []).length > 512) fail('more than 512 sources');
      for (const from of rule.from ?? []) {
        const s = from.source ?? {};
        if ((s.serviceAccounts || s.notServiceAccounts) && (s.principals || s.namespaces)) fail('serviceAccounts with namespaces or principals');
      }
      for (const to of rule.to ?? []) {
        for (const port of to.operation?.ports ?? []) {
          if (typeof port !== 'string' || !/^[0-9]+$/.test(port) || Number(port) > 65535) fail(`operation port ${port} is not a port number string`);
        }
      }
    }
  }
}

/** A connection as an inbound sidecar sees it. */
export interface MeshRequest {
  /** The caller's principal, when it presented a mesh certificate. */
  readonly principal?: string;
  /** The caller's address. */
  readonly ip?: string;
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  readonly port: number;
}

/**
 * True when the AuthorizationPolicies among `objects` allow the request: no DENY policies are written by
 * the library, so a request is allowed when no ALLOW policy applies to the workload, or one of its rules
 * matches. Policies apply by namespace (or the root namespace `istio-system`) and selector.
 */
export function istioAllows(objects: any[], request: MeshRequest, rootNamespace = 'istio-system'): boolean {
  const applies = (p: any) => (p.metadata.namespace === request.namespace || p.metadata.namespace === rootNamespace)
    && Object.entries(p.spec?.selector?.matchLabels ?? {}).every(([k, v]) => request.podLabels[k] === v);
  const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy' && applies(o));
  if (policies.some((p) => (p.spec?.action ?? 'ALLOW') !== 'ALLOW')) throw new Error('only ALLOW policies are evaluated');
  if (policies.length === 0) return true;
  return policies.some((p) => (p.spec?.rules ?? []).some((rule: any) => ruleMatches(rule, request)));
}

function ruleMatches(rule: any, request: MeshRequest): boolean {
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  const sourceOk = from.length === 0 || from.some((f: any) => sourceMatches(f.source ?? {}, request));
  const portOk = to.length === 0 || to.some((t: any) => (t.operation?.ports ?? [String(request.port)]).includes(String(request.port)));
  return sourceOk && portOk;
}

function sourceMatches(source: any, request: MeshRequest): boolean {
  const namespace = request.principal?.split('/ns/')[1]?.split('/sa/')[0];
  if (source.principals && !source.principals.some((p: string) => request.principal !== undefined && (p === '*' || p === request.principal))) return false;
  if (source.namespaces && !source.namespaces.some((n: string) => namespace !== undefined && (n === '*' || n === namespace))) return false;
  if (source.ipBlocks && !source.ipBlocks.some((b: string) => request.ip !== undefined && inBlock(request.ip, b))) return false;
  if (source.notIpBlocks && source.notIpBlocks.some((b: string) => request.ip !== undefined && inBlock(request.ip, b))) return false;
  return true;
}

function inBlock(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toNumber = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}
