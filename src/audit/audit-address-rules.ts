import { AuditContext, podSubject, policySubject, Report, RuleCheck, Subject } from './audit-context';
import { registryOnlySidecarFor } from './audit-fqdn-backstop';
import { IndexedRule } from '../analysis/engine/cluster';
import { explainConnection } from '../analysis/engine/explain';
import { CompiledPolicyPort, CompiledRule, IpBlockPeer } from '../analysis/policies/policy-model';
import { METADATA_CIDRS, METADATA_PROBES } from '../core/addresses';
import { parseAddress } from '../core/cidr';
import { coversInternet } from '../core/internet-coverage';
import { Port, Protocol } from '../core/port';

/*
 * The audit rules about addresses: egress to the internet (NETSEC004), whatever set of blocks makes it up,
 * and the cloud metadata endpoints (NETSEC005), every address `core/addresses.ts` knows.
 */

const NARROW_FIX = 'Narrow the ipBlocks to the ranges the service talks to, or name the hosts with RestrictedEgress '
  + '(FQDN destinations enforced by an Istio REGISTRY_ONLY Sidecar for TCP, or a DNS-aware CNI).';

const FAMILIES = ['ipv4', 'ipv6'] as const;
type Family = typeof FAMILIES[number];
const FAMILY_NAME: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** NETSEC004, per policy: a rule without `to`, a /0 block, or the blocks of one rule that cover the internet. */
function egressToAnyAddress(c: AuditContext, report: Report): void {
  for (const policy of c.index.policies) {
    const subject: Subject = policySubject(policy);
    let sidecar: string | undefined | null = null;
    // TCP entries are a backstop when a REGISTRY_ONLY Sidecar holds every pod of the policy.
    const openPorts = (rule: CompiledRule) => {
      if (sidecar === null) sidecar = registryOnlySidecarFor(c, policy);
      return sidecar === undefined || rule.ports === undefined ? rule.ports : rule.ports.filter(e => e.protocol !== Protocol.TCP);
    };
    for (const rule of policy.egress ?? []) {
      if (rule.peers === undefined) {
        report(subject, `spec.egress[${rule.index}] has no "to": it allows every destination, inside and outside the cluster, on ${describePorts(rule.ports)}`,
          'List the destinations: pods by namespace and labels, or ipBlocks as narrow as the service needs (RestrictedEgress, Peer.ipv4("203.0.113.0/24")).');
        continue;
      }
      rule.peers.forEach((peer, p) => {
        if (peer.kind !== 'ipBlock' || peer.cidr.prefixLength !== 0) return;
        const open = openPorts(rule);
        if (open !== undefined && open.length === 0) return;
        const except = peer.except.length > 0 ? ` except ${peer.except.map(e => e.text).join(', ')}` : '';
        const family = FAMILY_NAME[peer.cidr.family];
        const reach = peer.except.length > 0 ? `every ${family} address outside the excepted ranges` : `every ${family} address`;
        const held = sidecar === undefined ? ''
          : `; Sidecar ${sidecar} (REGISTRY_ONLY) holds TCP to the registered hosts, but the sidecar does not intercept ${open === undefined ? 'UDP or SCTP' : 'these'}`;
        report(subject, `spec.egress[${rule.index}].to[${p}] allows ${peer.cidr.text}${except}: ${reach}, on ${describePorts(open)}${held}`,
          'Narrow the ipBlock to the ranges the service talks to, or name the hosts with RestrictedEgress (FQDN destinations enforced by an Istio REGISTRY_ONLY Sidecar for TCP, or a DNS-aware CNI).');
      });
      // Narrower blocks that cover the public address space are the internet too: 0.0.0.0/1 + 128.0.0.0/1, or ::/1 alone.
      for (const family of FAMILIES) {
        const own = blocksOf(rule, family);
        if (own.length === 0 || own.some(b => b.cidr.prefixLength === 0) || !coversInternet(own, family)) continue;
        const open = openPorts(rule);
        if (open !== undefined && open.length === 0) continue;
        const every = `${own.length > 1 ? 'together ' : ''}every public ${FAMILY_NAME[family]} address (the internet)`;
        report(subject, `spec.egress[${rule.index}] allows ${own.map(b => b.text).join(', ')}: ${every}, on ${describePorts(open)}`, NARROW_FIX);
      }
    }
  }
}

/** A port a pod's rules may open: a protocol and number, or `undefined` for a port no rule names. */
type Candidate = { readonly protocol: Protocol; readonly port: number } | undefined;

/**
 * NETSEC004, per pod: the blocks of several egress rules (of one policy or several) that select the pod
 * and open the same port, which together cover the internet although no one rule does. A port is open
 * to the union of the rules that allow it; the rules' first ports are enough to try, since any port's set
 * of rules is contained in the set at the highest first port of those rules.
 */
function podEgressToTheInternet(c: AuditContext, report: Report): void {
  c.index.pods.forEach((pod, i) => {
    const rules = c.index.egressOf[i].rules.filter(r => r.rule.peers !== undefined);
    for (const family of FAMILIES) {
      const withBlocks = rules.map(indexed => ({ indexed, blocks: blocksOf(indexed.rule, family) })).filter(r => r.blocks.length > 0);
      if (withBlocks.length < 2) continue;
      const reached: string[] = [];
      const contributing = new Set<IndexedRule>();
      for (const candidate of candidatePorts(withBlocks.map(r => r.indexed.rule))) {
        const open = withBlocks.filter(r => allowsPort(r.indexed.rule, candidate));
        if (open.length < 2 || open.some(r => coversInternet(r.blocks, family))) continue; // one rule alone is reported on its policy
        if (!coversInternet(open.flatMap(r => r.blocks), family)) continue;
        if (candidate?.protocol === Protocol.TCP && open.every(r => registryOnlySidecarFor(c, r.indexed.policy) !== undefined)) continue;
        reached.push(candidate === undefined ? 'every port no rule names' : `${candidate.protocol} ${candidate.port}`);
        open.forEach(r => contributing.add(r.indexed));
      }
      if (reached.length === 0) continue;
      const parts = withBlocks.filter(r => contributing.has(r.indexed))
        .map(r => `${r.indexed.policy.kind ?? 'NetworkPolicy'} ${r.indexed.policy.id} spec.egress[${r.indexed.rule.index}] (${r.blocks.map(b => b.cidr.text).join(', ')})`);
      report(podSubject(pod), `${pod.namespace}/${pod.name} may reach every public ${FAMILY_NAME[family]} address (the internet) on ${reached.join(', ')} `
        + `through several egress rules together: ${parts.join('; ')}`, NARROW_FIX);
    }
  });
}

function blocksOf(rule: CompiledRule, family: Family): IpBlockPeer[] {
  return (rule.peers ?? []).filter((peer): peer is IpBlockPeer => peer.kind === 'ipBlock' && peer.cidr.family === family);
}

/** The first port of every numeric entry, and `undefined` when a rule opens every port. */
function candidatePorts(rules: readonly CompiledRule[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const rule of rules) {
    if (rule.ports === undefined) seen.set('', undefined);
    for (const entry of rule.ports ?? []) {
      if (entry.name !== undefined) continue; // a named port never matches an address outside the cluster
      const port = entry.port ?? 1;
      seen.set(`${entry.protocol} ${port}`, { protocol: entry.protocol, port });
    }
  }
  return [...seen.values()];
}

function allowsPort(rule: CompiledRule, candidate: Candidate): boolean {
  if (rule.ports === undefined) return true;
  if (candidate === undefined) return false;
  return rule.ports.some(e => e.name === undefined && e.protocol === candidate.protocol
    && (e.port === undefined || (candidate.port >= e.port && candidate.port <= (e.endPort ?? e.port))));
}

/** NETSEC005: each pod against every metadata address, on each port where that address serves secrets. */
function metadataReachable(c: AuditContext, report: Report): void {
  c.index.pods.forEach((pod, i) => {
    const reasons: string[] = [];
    for (const probe of METADATA_PROBES) {
      const address = parseAddress(probe.address)!;
      const allowed = probe.ports.map(port => ({
        port,
        explanation: explainConnection(c.index,
          { kind: 'pod', position: i, pod, label: `${pod.namespace}/${pod.name}` },
          { kind: 'address', address, label: probe.address },
          Port.tcp(port)),
      })).filter(p => p.explanation.allowed);
      if (allowed.length > 0) reasons.push(`${probe.address} on TCP ${allowed.map(p => p.port).join(', ')} (${allowed[0].explanation.egress.reason})`);
    }
    if (reasons.length === 0) return;
    report(podSubject(pod), `${pod.namespace}/${pod.name} may connect to a cloud metadata endpoint: ${reasons.join('; ')}`,
      `Isolate the pod's egress and keep every metadata endpoint (${METADATA_CIDRS.join(', ')}) in the except list of every wide ipBlock; `
      + 'Peer.anyIpv4(), Peer.anyIpv6() and RestrictedEgress do this.');
  });
}

function describePorts(ports: readonly CompiledPolicyPort[] | undefined): string {
  if (ports === undefined) return 'every port';
  return ports.map(describePort).join(', ');
}

function describePort(entry: CompiledPolicyPort): string {
  if (entry.name !== undefined) return `${entry.protocol} port named ${entry.name}`;
  if (entry.port === undefined) return `all ${entry.protocol}`;
  return entry.endPort === undefined ? `${entry.protocol} ${entry.port}` : `${entry.protocol} ${entry.port}-${entry.endPort}`;
}

/** The address rules of the catalogue. */
export const addressChecks: Record<string, RuleCheck> = {
  NETSEC004: (c, report) => {
    egressToAnyAddress(c, report);
    podEgressToTheInternet(c, report);
  },
  NETSEC005: metadataReachable,
};
