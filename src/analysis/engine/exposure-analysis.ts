import * as ipaddr from 'ipaddr.js';
import { ClusterIndex } from './cluster';
import { INGRESS_CONTROLLER_LABEL, ResolvedEndpoint } from './explain';
import { ingressPaths, openShiftRoutePaths, routePaths, servicePaths } from './exposure-paths';
import { allowedPorts } from './exposure-ports';
import { probeModel } from './exposure-probes';
import { AuditContext, compare } from '../../audit/audit-context';
import { Port } from '../../core/port';
import { ManifestModel } from '../input/manifests';
import { describePortIntervals } from '../policies/port-intervals';
import { holds, intersect, isEmpty, PortSet, portSetKey, portSetOf } from '../policies/port-sets';
import { ExposedAddressRange, ExposurePath, WorkloadExposure } from '../report/exposure';

/*
 * Exposure: for each modelled pod, what may reach it from outside the cluster (address ranges), from a
 * namespace the manifests do not know, from a new pod of its own namespace, and through which Services,
 * Ingresses, Gateway API routes and OpenShift Routes. Every answer is the engine's verdict, the one
 * `isAllowed` gives, for a representative source (see exposure-probes.ts), over the ports where it can
 * change (see exposure-ports.ts); what those verdicts depend on that the analyzer does not know is
 * carried into `caveats`.
 */

/** Computes the exposure of every modelled pod, sorted by namespace then name. */
export function computeExposure(model: ManifestModel, index: ClusterIndex): WorkloadExposure[] {
  const probes = probeModel(model, index);
  const probeIndex = probes.index;
  const context: AuditContext = { model, index, lookup: () => undefined };
  return index.pods.map((pod, j) => {
    const position = probeIndex.positionOf(pod.namespace, pod.name)!;
    const caveats: string[] = [];
    const ask = (what: string, source: ResolvedEndpoint): PortSet => {
      const answer = allowedPorts(probeIndex, source, position);
      caveats.push(...answer.caveats.map(c => `${what}: ${c}`));
      return answer.ports;
    };
    const any = describe(ask('from any namespace', probes.anyNamespace.endpoint));
    const own = describe(ask('from its own namespace', probes.newPod.get(pod.namespace)!.endpoint));
    const outside = outsideRanges(probeIndex, position, ask);
    // The data plane of an Ingress or route: an unknown one ({ingress-controller}), or a pod a peer of the
    // pod's ingress rules selects; the engine judges each on the path's target ports.
    const controllerPorts = ask('from the ingress data plane', CONTROLLER);
    const dataPlane: Array<{ text: string; ports: PortSet }> = [{ text: INGRESS_CONTROLLER_LABEL, ports: controllerPorts }];
    for (const probe of probes.peersOf.get(index.podIds[j]) ?? []) dataPlane.push({ text: probe.text, ports: ask(`from ${probe.text}`, probe.endpoint) });
    const admission = (targets: readonly Port[]) => dataPlane
      .filter(source => targets.some(t => holds(source.ports, t.protocol, t.startPort!)))
      .map(source => source.text)
      .sort(compare);
    // Each kind in turn, sorted within it, so the input order of the objects does not matter.
    const byObject = (a: ExposurePath, b: ExposurePath) => compare(a.resource, b.resource) || compare(a.description, b.description);
    const paths = [servicePaths(context, pod, outside), ingressPaths(context, pod, admission), routePaths(context, pod, admission),
      openShiftRoutePaths(context, pod, admission)].flatMap(list => list.sort(byObject));
    const controller = describe(intersect(controllerPorts, portSetOf(paths
      // A route attached to no listener leads nowhere (its admittedFrom is empty).
      .filter(p => p.kind !== 'Service' && p.admittedFrom.length > 0)
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
      caveats: [...new Set(caveats)].sort(),
    };
  });
}

const CONTROLLER: ResolvedEndpoint = { kind: 'ingressController', label: INGRESS_CONTROLLER_LABEL };

type Ask = (what: string, source: ResolvedEndpoint) => PortSet;

function describe(set: PortSet): { ports: Port[]; description: string } {
  if (isEmpty(set)) return { ports: [], description: 'nothing' };
  return describePortIntervals(set);
}

// ---------------------------------------------------------------------------------------------------
// Addresses outside the cluster

const FAMILIES = [{ family: 'ipv4', bits: 32 }, { family: 'ipv6', bits: 128 }] as const;

/** The maximal address ranges that share one non-empty set of allowed ports, IPv4 first. */
function outsideRanges(index: ClusterIndex, j: number, ask: Ask): ExposedAddressRange[] {
  const rules = [...index.ingressOf[j].rules, ...index.tierIngressOf[j].admin, ...index.tierIngressOf[j].baseline];
  const ranges: ExposedAddressRange[] = [];
  for (const { family, bits } of FAMILIES) {
    const end = power(bits);
    const cuts = new Set<bigint>([0n, end]);
    for (const { rule } of rules) {
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
      const set = ask(`from ${address.toString()} (outside)`, { kind: 'address', address, label: address.toString() });
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
