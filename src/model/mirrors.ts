import type { IConstruct } from 'constructs';
import { isIsolatedGroup, IsolatedGroup } from './isolated-group';
import type { ClusterBaseline, Flow } from './records';
import { labelsInclude, Selection, selectionOf } from './selection';
import { describePeerConfig, IPeer, PeerConfig } from '../core/peer';

/*
 * Both sides of every flow, however its peers were named. A flow is written on the policies of the groups
 * it names; a side that is a raw selector (pods by labels, a namespace) may select every pod of a group
 * the app isolates, and is then written on that group's policy too, so that the flow is open on both
 * ends. A side that selects only some of a group's pods, or pods a ClusterIsolation isolates that no
 * group describes, cannot be written exactly and is reported.
 */

/** What mirroring reads of the intent. */
export interface MirrorSource {
  /** Every isolated group of pods, in declaration order. */
  readonly groups: readonly IsolatedGroup[];
  /** The same groups by namespace. */
  readonly groupsByNamespace: ReadonlyMap<string, IsolatedGroup[]>;
  /** Every declared flow, in declaration order. */
  readonly flows: readonly Flow[];
  /** The cluster-wide isolation, if any. */
  readonly cluster: ClusterBaseline | undefined;
}

/** The mirrored flows of one app, computed on first use and again after `invalidate()`. */
export class FlowMirrors {
  private computed?: Mirrors;

  /** `source` is read when the mirrors are computed (once per change of what it returns). */
  public constructor(private readonly source: () => MirrorSource) {}

  /** Drops the mirrors: to be called whenever a flow, a group, a baseline or namespace labels are recorded. */
  public invalidate(): void {
    this.computed = undefined;
  }

  /**
   * Flows to be written on `group` because their other side selects its pods without naming the group
   * (a raw selector, a namespace isolation around a tier, a DNS server that is a tier): ingress flows
   * whose destination selects every pod of the group, and egress flows whose source does.
   */
  public flowsOnto(group: IsolatedGroup): { ingress: Flow[]; egress: Flow[] } {
    return this.current().byGroup.get(group) ?? { ingress: [], egress: [] };
  }

  /** Flows whose raw-selector side selects pods of an isolated group in a way that cannot be written exactly. */
  public problems(): string[] {
    return [...new Set(this.current().problems)];
  }

  private current(): Mirrors {
    if (this.computed === undefined) {
      const { groups, groupsByNamespace, flows, cluster } = this.source();
      this.computed = computeMirrors(groups, groupsByNamespace, [...flows, ...dnsFlows(groups)], cluster);
    }
    return this.computed;
  }
}

/** Each egress-isolated group's DNS rule, as flows (DNS servers can be tiers, whose ingress must admit it). */
function dnsFlows(groups: readonly IsolatedGroup[]): DnsFlow[] {
  return groups.filter((g) => g.isolatesEgress).flatMap((g) => g.dns._destinations
    .map((d) => ({ source: g as IPeer, destination: d.peer, ports: d.ports, declaredBy: g as IConstruct, dns: true as const })));
}

/** A group's DNS rule seen as a flow, for the server side. */
interface DnsFlow extends Flow {
  readonly dns: true;
}

/** The flows each group gets from the other side of a flow, and the flows that cannot be written exactly. */
interface Mirrors {
  readonly byGroup: Map<IsolatedGroup, { ingress: Flow[]; egress: Flow[] }>;
  readonly problems: string[];
}

/**
 * For every flow, the isolated groups whose pods its destination (or source) selects, other than the
 * group that declared it. A side that selects every pod of such a group is written on that group's
 * policy too, so the flow is open on both ends. A side that selects only some of a group's pods (a
 * subset of a tier, pods inside an isolated namespace that no tier describes) or namespaces by unknown
 * labels cannot be written exactly and is reported.
 */
function computeMirrors(
  groups: readonly IsolatedGroup[], byNamespace: ReadonlyMap<string, IsolatedGroup[]>, flows: Flow[], cluster?: ClusterBaseline,
): Mirrors {
  const byGroup = new Map<IsolatedGroup, { ingress: Flow[]; egress: Flow[] }>();
  const problems: string[] = [];
  const slot = (g: IsolatedGroup) => {
    let s = byGroup.get(g);
    if (!s) byGroup.set(g, s = { ingress: [], egress: [] });
    return s;
  };
  const selections = new SelectionCache(groups, byNamespace);
  for (const flow of flows) {
    if (flow.componentSideOnly) continue;
    // A DNS rule is written on its group's own egress; only its server side may need writing elsewhere.
    const isDns = (flow as DnsFlow).dns === true;
    for (const side of isDns ? ['destination'] as const : ['destination', 'source'] as const) {
      const peer = flow[side];
      const other = side === 'destination' ? flow.source : flow.destination;
      // A side's namespace-less selectors are read in the namespace of the group that declared the flow;
      // a side that is itself a group names its namespace, whatever the other side is (an address block,
      // pods named by labels): e.g. a flow from outside into a NamespaceIsolation reaches its tiers.
      const context = namespaceOfPeer(other) ?? namespaceOfPeer(peer);
      if (context === undefined) continue;
      const { config, selected, selectsItself } = selections.of(peer, context);
      if (config.ipBlock) continue;
      // A declared flow is on its own groups' policies already; a DNS server that is a group is not.
      if (selectsItself && isDns && (peer as IsolatedGroup).isIngressIsolated()) slot(peer as IsolatedGroup).ingress.push(flow);
      // Under ClusterIsolation every pod of a non-exempt namespace is isolated both ways, group or not:
      // pods that no group of the app describes would keep the flow closed on their side.
      const namespace = config.namespace ?? (config.namespaceSelector || config.allNamespaces ? undefined : context);
      if (cluster && !isDns && !isIsolatedGroup(peer) && namespace !== undefined && !cluster.exemptNamespaces.includes(namespace)
        && !selected.some((s) => s.selection === Selection.ALL && impliesLabels(config, s.group._podScope().podLabels))) {
        problems.push(`${flow.declaredBy.node.path}: the flow ${side === 'destination' ? 'to' : 'from'} ${peer} names pods that ${cluster.declaredAt} isolates (namespace ${namespace} is not exempt) but that no tier or namespace isolation of the app describes, so the flow would stay closed on their side (${describePeerConfig(config)}). `
          + 'Declare a tier for exactly these pods (new IsolatedTier(..., { podLabels, namespace })) or a NamespaceIsolation for the namespace, so both sides are written; or exempt the namespace.');
      }
      for (const { group, selection } of selected) {
        const isolated = side === 'destination' ? group.isIngressIsolated() : group.isEgressIsolated();
        if (selection === Selection.ALL) {
          if (isolated) slot(group)[side === 'destination' ? 'ingress' : 'egress'].push(flow);
          continue;
        }
        if (!isolated) continue;
        // Pods of an isolated namespace are fine when a tier that receives the flow describes exactly them.
        const covered = (isIsolatedGroup(peer) && peerIsTierLike(peer)) || selected.some((s) => s.selection === Selection.ALL
          && Object.keys(s.group._podScope().podLabels).length > 0 && impliesLabels(config, s.group._podScope().podLabels));
        if (selection === Selection.SUBSET && covered) continue;
        const direction = side === 'destination' ? 'ingress' : 'egress';
        const why = `selects only some pods of ${group}, which isolates ${direction}, so the flow would stay closed on that side`;
        problems.push(`${flow.declaredBy.node.path}: the flow ${side === 'destination' ? 'to' : 'from'} ${peer} ${why} (${describePeerConfig(config)}). `
          + 'Name the pods by an IsolatedTier made for exactly them (new IsolatedTier(..., { podLabels, namespace })) so both sides are written, or name the tier or namespace isolation itself.');
      }
    }
  }
  return { byGroup, problems };
}

/**
 * How one side of `flow` selects the pods of `group`, as mirroring reads it: Selection.ALL when the side
 * is written on the group's policy too (if the group isolates that direction). NONE for a side that is
 * never mirrored: the group itself, an address block, a side whose namespace context is unknown, or a
 * platform component's own side.
 */
export function mirrorSelection(flow: Flow, side: 'source' | 'destination', group: IsolatedGroup): Selection {
  if (flow.componentSideOnly) return Selection.NONE;
  const peer = flow[side];
  if (peer === group) return Selection.NONE;
  const context = namespaceOfPeer(side === 'destination' ? flow.source : flow.destination) ?? namespaceOfPeer(peer);
  if (context === undefined) return Selection.NONE;
  const config = peer.toPeerConfig();
  if (config.ipBlock) return Selection.NONE;
  return selectionFor(peer, config, context, group);
}

/** How a peer (`config` read in namespace `context`) selects the pods of a group other than itself. */
function selectionFor(peer: IPeer, config: PeerConfig, context: string, group: IsolatedGroup): Selection {
  return isIsolatedGroup(peer) && peerIsTierLike(peer) && Object.keys(group._podScope().podLabels).length === 0
    ? Selection.SUBSET // a tier inside an isolated namespace: the tier's own policy carries the flow
    : selectionOf(config, context, group._podScope());
}

/** What a flow side selects among the isolated groups. */
interface SideSelection {
  readonly config: PeerConfig;
  /** The groups other than the peer itself whose pods it selects, all or some, in candidate order. */
  readonly selected: { group: IsolatedGroup; selection: Selection }[];
  /** True when the peer is itself one of the candidate groups. */
  readonly selectsItself: boolean;
}

/**
 * The groups each peer selects, per context namespace, computed once per peer and context: a tier is a
 * side of several flows, and comparing it with every group of its namespace for each of them made the
 * mirrors quadratic in the tiers of a namespace per flow.
 */
class SelectionCache {
  private readonly byPeer = new Map<IPeer, { config: PeerConfig; byContext: Map<string, SideSelection> }>();

  public constructor(private readonly groups: readonly IsolatedGroup[], private readonly byNamespace: ReadonlyMap<string, IsolatedGroup[]>) {}

  public of(peer: IPeer, context: string): SideSelection {
    let entry = this.byPeer.get(peer);
    if (entry === undefined) this.byPeer.set(peer, entry = { config: peer.toPeerConfig(), byContext: new Map() });
    let found = entry.byContext.get(context);
    if (found === undefined) entry.byContext.set(context, found = this.compute(peer, entry.config, context));
    return found;
  }

  private compute(peer: IPeer, config: PeerConfig, context: string): SideSelection {
    if (config.ipBlock) return { config, selected: [], selectsItself: false };
    const candidates = config.namespace !== undefined ? this.byNamespace.get(config.namespace) ?? []
      : config.namespaceSelector || config.allNamespaces ? this.groups : this.byNamespace.get(context) ?? [];
    const selected: { group: IsolatedGroup; selection: Selection }[] = [];
    let selectsItself = false;
    for (const group of candidates) {
      if (group === peer) {
        selectsItself = true;
        continue;
      }
      const selection = selectionFor(peer, config, context, group);
      // Namespaces chosen by labels the app cannot see are taken as not the app's (documented); when
      // the app emits the Namespace object its labels are known and the answer is exact.
      if (selection === Selection.ALL || selection === Selection.SUBSET) selected.push({ group, selection });
    }
    return { config, selected, selectsItself };
  }
}

/** The namespace a peer's namespace-less selectors refer to: that of the group that declared the flow. */
function namespaceOfPeer(peer: IPeer): string | undefined {
  return isIsolatedGroup(peer) ? peer.namespace : undefined;
}

function peerIsTierLike(group: IsolatedGroup): boolean {
  return Object.keys(group._podScope().podLabels).length > 0;
}

/** True when the peer requires every one of `labels` with that value (its pods lie within those labels). */
function impliesLabels(config: PeerConfig, labels: { [key: string]: string }): boolean {
  return labelsInclude(config.podSelector?.matchLabels ?? {}, labels);
}
