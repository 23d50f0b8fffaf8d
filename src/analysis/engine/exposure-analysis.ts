import * as ipaddr from 'ipaddr.js';
import { ClusterIndex } from './cluster';
import { AuditContext, arrayOf, compare, objectsOf } from '../../audit/audit-context';
import { attaches, httpRoutesOf, listenersOf } from '../../audit/audit-gateway-rules';
import { Port, Protocol } from '../../core/port';
import { ManifestModel, ModelPod, NAMESPACE_NAME_LABEL, namespaceOf } from '../input/manifests';
import { ipBlockContains } from '../policies/matching';
import { CompiledPeer, CompiledRule } from '../policies/policy-model';
import { describePortIntervals } from '../policies/port-intervals';
import { allPorts, holds, intersect, isEmpty, PortSet, portSetKey, portSetOf, spansOf } from '../policies/port-sets';
import { ExposedAddressRange, ExposurePath, WorkloadExposure } from '../report/exposure';

/*
 * Exposure: for each modelled pod, what may reach it from outside the cluster (address ranges), from a
 * namespace the manifests do not know, from a new pod of its own namespace, and which Services,
 * Ingresses and Gateway API routes lead to it. Each answer is the set of ports the pod's ingress
 * admits for that kind of source (and, for the own-namespace pod, that its egress allows).
 */

/** The name a namespace the manifests do not know is given; no selector of real manifests names it. */
const UNKNOWN_NAMESPACE = 'netsec-unknown-namespace';

/** Computes the exposure of every modelled pod, sorted by namespace then name. */
export function computeExposure(model: ManifestModel, index: ClusterIndex): WorkloadExposure[] {
  const context: AuditContext = { model, index, lookup: () => undefined };
  return index.pods.map((pod, j) => {
    const anyNamespace = admitted(index, j, peer => peer.kind === 'pods' && peer.namespaceSelector !== undefined
      && peer.namespaceSelector.matches({ [NAMESPACE_NAME_LABEL]: UNKNOWN_NAMESPACE })
      && (peer.podSelector === undefined || peer.podSelector.matches({})));
    const ownNamespace = intersect(
      admitted(index, j, (peer, policyNamespace) => peer.kind === 'pods'
        && (peer.namespaceSelector === undefined ? policyNamespace === pod.namespace : peer.namespaceSelector.matches(index.labelsOf(pod.namespace)))
        && (peer.podSelector === undefined || peer.podSelector.matches({}))),
      newPodEgress(index, pod, j));
    const any = describe(anyNamespace);
    const own = describe(ownNamespace);
    const outside = outsideRanges(index, j);
    // Each kind in turn, sorted within it, so the input order of the objects does not matter.
    const byObject = (a: ExposurePath, b: ExposurePath) => compare(a.resource, b.resource) || compare(a.description, b.description);
    const paths = [servicePaths(context, pod, outside), ingressPaths(context, j), routePaths(context, j), openShiftRoutePaths(context, j)]
      .flatMap(list => list.sort(byObject));
    const controller = describe(intersect(anyNamespace, portSetOf(paths
      // A route attached to no listener leads nowhere (its admittedFrom is empty).
      .filter(p => p.kind !== 'Service' && (p.kind !== 'HTTPRoute' || p.admittedFrom.length > 0))
      .flatMap(p => p.targetPorts.map(t => ({ protocol: t.protocol, start: t.startPort!, end: t.startPort! }))))));
    return {
      workload: index.podIds[j],
      namespace: pod.namespace,
      pod: pod.name,
      kind: pod.kind,
      fromOutside: outside,
      fromAnyNamespace: any.ports,
      fromAnyNamespaceDescription: any.description,
      fromOwnNamespace: own.ports,
      fromOwnNamespaceDescription: own.description,
      fromIngressController: controller.ports,
      fromIngressControllerDescription: controller.description,
      paths,
    };
  });
}

type PeerTest = (peer: CompiledPeer, policyNamespace: string) => boolean;

/** The ports pod j's ingress admits for a source its peers recognise by `test` (every port when not isolated). */
function admitted(index: ClusterIndex, j: number, test: PeerTest): PortSet {
  const isolation = index.ingressOf[j];
  if (isolation.policies.length === 0) return allPorts();
  return portSetOf(isolation.rules
    .filter(({ rule, policy }) => rule.peers === undefined || rule.peers.some(peer => test(peer, policy.namespace)))
    .flatMap(({ rule }) => spansOf(rule.ports, index.pods[j])));
}

/** The ports a new pod without labels in the target's namespace may open on it, judged by its egress side. */
function newPodEgress(index: ClusterIndex, target: ModelPod, j: number): PortSet {
  const policies = index.policies.filter(p => p.namespace === target.namespace && p.egress !== undefined && p.podSelector.matches({}));
  if (policies.length === 0) return allPorts();
  const rules: CompiledRule[] = policies.flatMap(p => p.egress!);
  return portSetOf(rules.filter(rule => rule.peers === undefined || rule.peers.some(peer => peer.kind === 'pods'
    && (peer.namespaceSelector === undefined ? true : peer.namespaceSelector.matches(index.labelsOf(target.namespace)))
    && (peer.podSelector === undefined || peer.podSelector.matches(target.labels))))
    .flatMap(rule => spansOf(rule.ports, index.pods[j])));
}

function describe(set: PortSet): { ports: Port[]; description: string } {
  if (isEmpty(set)) return { ports: [], description: 'nothing' };
  return describePortIntervals(set);
}

// ---------------------------------------------------------------------------------------------------
// Addresses outside the cluster

const FAMILIES = [{ family: 'ipv4', bits: 32 }, { family: 'ipv6', bits: 128 }] as const;

/** The maximal address ranges that share one non-empty set of admitted ports, IPv4 first. */
function outsideRanges(index: ClusterIndex, j: number): ExposedAddressRange[] {
  const isolation = index.ingressOf[j];
  const ranges: ExposedAddressRange[] = [];
  for (const { family, bits } of FAMILIES) {
    const end = power(bits);
    const cuts = new Set<bigint>([0n, end]);
    for (const { rule } of isolation.rules) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock' || peer.cidr.family !== family) continue;
        for (const block of [peer.cidr, ...peer.except]) {
          const first = toNumber(block.address);
          cuts.add(first);
          cuts.add(first + power(bits - block.prefixLength));
        }
      }
    }
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let open: { first: bigint; last: bigint; set: PortSet; key: string } | undefined;
    const close = () => {
      if (open !== undefined && !isEmpty(open.set)) ranges.push(rangeOf(open.first, open.last, bits, open.set));
      open = undefined;
    };
    for (let k = 0; k + 1 < points.length; k++) {
      const address = toAddress(points[k], bits);
      const set = admitted(index, j, peer => peer.kind === 'ipBlock' && ipBlockContains(peer, address));
      const key = portSetKey(set);
      if (open !== undefined && open.key === key) {
        open.last = points[k + 1] - 1n;
        continue;
      }
      close();
      open = { first: points[k], last: points[k + 1] - 1n, set, key };
    }
    close();
  }
  return ranges;
}

function rangeOf(first: bigint, last: bigint, bits: number, set: PortSet): ExposedAddressRange {
  const { ports, description } = describe(set);
  return { addresses: `${toAddress(first, bits).toString()}-${toAddress(last, bits).toString()}`, cidrs: cidrsOf(first, last, bits), ports, description };
}

/** The fewest CIDR blocks that make up [first, last]. */
function cidrsOf(first: bigint, last: bigint, bits: number): string[] {
  const blocks: string[] = [];
  let start = first;
  while (start <= last) {
    let size = 0;
    while (size < bits && start % power(size + 1) === 0n && start + power(size + 1) - 1n <= last) size++;
    blocks.push(`${toAddress(start, bits).toString()}/${bits - size}`);
    start += power(size);
  }
  return blocks;
}

/** 2 to the given power, as a bigint. */
function power(exponent: number): bigint {
  return 2n ** BigInt(exponent);
}

function toNumber(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((n, byte) => n * 256n + BigInt(byte), 0n);
}

function toAddress(value: bigint, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes: number[] = [];
  for (let k = bits / 8 - 1; k >= 0; k--) bytes.push(Number((value / power(8 * k)) % 256n));
  return ipaddr.fromByteArray(bytes) as ipaddr.IPv4 | ipaddr.IPv6;
}

// ---------------------------------------------------------------------------------------------------
// Paths into the cluster

/** The Services in the pod's namespace whose selector selects it. */
function servicesSelecting(c: AuditContext, pod: ModelPod): any[] {
  return objectsOf(c, 'Service', '').filter(s => {
    const selector = s.spec?.selector;
    return namespaceOf(s) === pod.namespace && selector && typeof selector === 'object' && Object.keys(selector).length > 0
      && Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
  });
}

/** The workload port a Service port leads to (a named targetPort resolves against the pod); undefined when it declares none. */
function targetPortOf(servicePort: any, pod: ModelPod): Port | undefined {
  const protocol: Protocol = servicePort?.protocol ?? Protocol.TCP;
  const target = servicePort?.targetPort ?? servicePort?.port;
  if (typeof target === 'string' && !/^\d+$/.test(target)) {
    const number = pod.ports.find(p => p.name === target && p.protocol === protocol)?.port;
    return number === undefined ? undefined : Port.portRange(protocol, number, number);
  }
  const number = Number(target);
  return Number.isInteger(number) && number > 0 && number <= 65535 ? Port.portRange(protocol, number, number) : undefined;
}

function servicePaths(c: AuditContext, pod: ModelPod, outside: readonly ExposedAddressRange[]): ExposurePath[] {
  const paths: ExposurePath[] = [];
  for (const service of servicesSelecting(c, pod)) {
    const type = service.spec?.type;
    if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
    const entries = arrayOf(service.spec?.ports).map(p => ({ raw: p, target: targetPortOf(p, pod) }));
    const targets = entries.filter(e => e.target !== undefined).map(e => e.target!);
    const sources: string[] = arrayOf(service.spec?.loadBalancerSourceRanges).map(String);
    const ports = entries.map(e => `${e.raw?.protocol ?? 'TCP'} ${e.raw?.port}${e.raw?.nodePort ? ` (nodePort ${e.raw.nodePort})` : ''} -> ${e.target?.toString() ?? 'no port of the workload'}`);
    const scope = type === 'LoadBalancer'
      ? `source ranges ${sources.length > 0 ? sources.join(', ') : 'every address (no loadBalancerSourceRanges)'}`
      : 'on every node';
    const admittedFrom = outside
      .filter(range => targets.some(t => range.ports.some(p => covers(p, t))))
      .map(range => `${range.addresses} (${range.description})`);
    paths.push({
      kind: 'Service',
      resource: `Service ${pod.namespace}/${service.metadata?.name}`,
      description: `${type} ${ports.join(', ')}, ${scope}`,
      targetPorts: targets,
      admittedFrom,
      reachable: admittedFrom.length > 0,
    });
  }
  return paths;
}

/** True when an allowed-ports entry (a range or a whole protocol) covers a single target port. */
function covers(allowed: Port, target: Port): boolean {
  if (allowed.protocol !== target.protocol) return false;
  if (allowed.isAllPorts) return true;
  const start = allowed.startPort ?? 0;
  return start <= target.startPort! && target.startPort! <= (allowed.endPort ?? start);
}

/** The in-cluster peers of pod j's ingress that admit a target port; `every source` when not isolated. */
function inClusterAdmission(c: AuditContext, j: number, targets: readonly Port[]): string[] {
  const pod = c.index.pods[j];
  const isolation = c.index.ingressOf[j];
  if (isolation.policies.length === 0) return targets.length > 0 ? ['every source'] : [];
  const peers = new Set<string>();
  for (const { rule, policy } of isolation.rules) {
    const set = portSetOf(spansOf(rule.ports, pod));
    if (!targets.some(t => holds(set, t.protocol, t.startPort!))) continue;
    if (rule.peers === undefined) peers.add(`every source (${policy.id})`);
    else rule.peers.filter(p => p.kind === 'pods').forEach(p => peers.add(`${p.text} (${policy.id})`));
  }
  return [...peers].sort(compare);
}

/** A Service port as a backend names it: by number or by name. */
interface BackendPort { readonly number?: unknown; readonly name?: unknown }

/**
 * The workload port a backend leads to: null when the backend's Service does not select the pod,
 * undefined when it does but the named Service port leads to no port of the pod.
 */
function backendTarget(c: AuditContext, pod: ModelPod, namespace: string, name: unknown, port: BackendPort): Port | undefined | null {
  if (namespace !== pod.namespace) return null;
  const service = servicesSelecting(c, pod).find(s => s.metadata?.name === name);
  if (service === undefined) return null;
  const entry = arrayOf(service.spec?.ports).find(p => (port.name !== undefined ? p?.name === port.name : Number(p?.port) === Number(port.number)));
  return entry === undefined ? undefined : targetPortOf(entry, pod);
}

function ingressPaths(c: AuditContext, j: number): ExposurePath[] {
  const pod = c.index.pods[j];
  const paths: ExposurePath[] = [];
  for (const ingress of objectsOf(c, 'Ingress', 'networking.k8s.io')) {
    const namespace = namespaceOf(ingress);
    const tlsHosts = new Set(arrayOf(ingress.spec?.tls).flatMap(t => arrayOf(t?.hosts).map(String)));
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? 'the default class';
    const backends: { host: string; path: string; service: any }[] = [];
    if (ingress.spec?.defaultBackend?.service) backends.push({ host: '*', path: '(default backend)', service: ingress.spec.defaultBackend.service });
    for (const rule of arrayOf(ingress.spec?.rules)) {
      for (const path of arrayOf(rule?.http?.paths)) {
        if (!path?.backend?.service) continue;
        backends.push({ host: rule?.host ?? '*', path: `${path.path ?? '/'} (${path.pathType ?? 'ImplementationSpecific'})`, service: path.backend.service });
      }
    }
    for (const backend of backends) {
      const target = backendTarget(c, pod, namespace, backend.service.name, backend.service.port ?? {});
      if (target === null) continue;
      const targets = target === undefined ? [] : [target];
      const admittedFrom = inClusterAdmission(c, j, targets);
      const port = backend.service.port?.number ?? backend.service.port?.name;
      paths.push({
        kind: 'Ingress',
        resource: `Ingress ${namespace}/${ingress.metadata?.name}`,
        description: `host ${backend.host} path ${backend.path} via the ingress controller of ${className}${tlsHosts.has(backend.host) ? ' (TLS)' : ' (no TLS for this host)'}, `
          + `Service ${backend.service.name}:${port} -> ${target?.toString() ?? 'no port of the workload'}`,
        targetPorts: targets,
        admittedFrom,
        reachable: admittedFrom.length > 0,
      });
    }
  }
  return paths;
}

function routePaths(c: AuditContext, j: number): ExposurePath[] {
  const pod = c.index.pods[j];
  const listeners = listenersOf(c);
  const paths: ExposurePath[] = [];
  for (const route of httpRoutesOf(c)) {
    const namespace = namespaceOf(route);
    const attached = listeners.filter(l => attaches(c, route, l));
    const hostnames = arrayOf(route.spec?.hostnames).map(String);
    arrayOf(route.spec?.rules).forEach(rule => {
      const matches = arrayOf(rule?.matches).map(m => m?.path?.value).filter(v => typeof v === 'string');
      for (const ref of arrayOf(rule?.backendRefs)) {
        if ((ref?.kind ?? 'Service') !== 'Service' || (ref?.group ?? '') !== '') continue;
        const target = backendTarget(c, pod, ref?.namespace ?? namespace, ref?.name, { number: ref?.port });
        if (target === null) continue;
        const targets = target === undefined ? [] : [target];
        const admittedFrom = attached.length > 0 ? inClusterAdmission(c, j, targets) : [];
        const via = attached.length === 0 ? 'attached to no listener'
          : attached.map(l => `Gateway ${l.gatewayId} listener ${l.name} (${l.raw?.protocol} ${l.raw?.port}${l.raw?.hostname ? ` ${l.raw.hostname}` : ''})`).join(', ');
        paths.push({
          kind: 'HTTPRoute',
          resource: `HTTPRoute ${namespace}/${route.metadata?.name}`,
          description: `hostnames ${hostnames.join(', ') || '(the listener\'s)'} path ${matches.join(', ') || '/'} via ${via}, `
            + `Service ${ref?.name}:${ref?.port} -> ${target?.toString() ?? 'no port of the workload'}`,
          targetPorts: targets,
          admittedFrom,
          reachable: admittedFrom.length > 0,
        });
      }
    });
  }
  return paths;
}

/**
 * OpenShift Routes (route.openshift.io/v1): `spec.to` and `spec.alternateBackends` name Services;
 * `spec.port.targetPort` picks the Service port by name, or by its target port number; without it, every
 * port of the Service. The router is the path in, like an ingress controller.
 */
function openShiftRoutePaths(c: AuditContext, j: number): ExposurePath[] {
  const pod = c.index.pods[j];
  const paths: ExposurePath[] = [];
  for (const route of objectsOf(c, 'Route', 'route.openshift.io')) {
    const namespace = namespaceOf(route);
    if (namespace !== pod.namespace) continue;
    const wanted = route.spec?.port?.targetPort;
    for (const backend of [route.spec?.to, ...arrayOf(route.spec?.alternateBackends)]) {
      if ((backend?.kind ?? 'Service') !== 'Service') continue;
      const service = servicesSelecting(c, pod).find(s => s.metadata?.name === backend?.name);
      if (service === undefined) continue;
      const entries = arrayOf(service.spec?.ports).filter(p => wanted === undefined
        || (typeof wanted === 'string' && !/^\d+$/.test(wanted) ? p?.name === wanted : Number(p?.targetPort ?? p?.port) === Number(wanted)));
      const targets = entries.map(e => targetPortOf(e, pod)).filter((t): t is Port => t !== undefined);
      const admittedFrom = inClusterAdmission(c, j, targets);
      paths.push({
        kind: 'Route',
        resource: `Route ${namespace}/${route.metadata?.name}`,
        description: `host ${route.spec?.host ?? '(generated)'} path ${route.spec?.path ?? '/'} via the OpenShift router${route.spec?.tls ? ' (TLS)' : ''}, `
          + `Service ${backend.name}${wanted === undefined ? '' : `:${wanted}`} -> ${targets.map(t => t.toString()).join(', ') || 'no port of the workload'}`,
        targetPorts: targets,
        admittedFrom,
        reachable: admittedFrom.length > 0,
      });
    }
  }
  return paths;
}
