import { Construct, IConstruct } from 'constructs';
import { KUBE_SYSTEM } from './namespace-exemption';
import { AuditAcceptance } from '../audit/audit-acceptance';
import { IPeer, Peer } from '../core/peer';
import { Port } from '../core/port';
import { IntentModel } from '../model/intent-model';
import { ClusterDns } from '../platform/cluster-dns';
import { API_SERVER_PORTS, PlatformComponent } from '../platform/platform-component';
import { IsolatedTier } from '../tiers/tier';

/*
 * A platform component in a guarded namespace becomes an isolated tier of the guardrails: its
 * NetworkPolicy admits exactly the flows the component needs, so the Baseline deny (which only applies
 * to pods no NetworkPolicy selects) never cuts it off, and flows the app declares towards its pods are
 * written on both sides like any tier's.
 */

/** What the guardrails know of the cluster for its components. */
export interface PlatformContext {
  /** The API server's endpoint addresses (CIDRs); empty when not given. */
  readonly apiServerAddresses: string[];
  /** Where the components resolve names. */
  readonly dns: ClusterDns;
}

/** Why a component cannot be written, and the fix. */
export interface ComponentProblem {
  readonly what: string;
  readonly fix: string;
}

/** The fix that always works: exempting the namespace, with its reason. */
export function exemptionFix(namespace: string): string {
  return namespace === KUBE_SYSTEM ? `exempt it (exemptNamespaces: ["${KUBE_SYSTEM}"])`
    : `exempt it with a reason (exemptions: [NamespaceExemption.of("${namespace}", "...")])`;
}

/** What guarding a component made: its tier, or why it cannot be written (then nothing is made). */
export interface GuardedComponent {
  readonly tier?: IsolatedTier;
  readonly problem?: ComponentProblem;
}

/**
 * Writes `component` as a tier under `scope`; returns the tier, or why it cannot be written instead (then
 * nothing is made). A tier the app already declared for the same pods is left to the app (no tier).
 */
export function guardComponent(scope: Construct, component: PlatformComponent, context: PlatformContext): GuardedComponent {
  const model = IntentModel.of(scope);
  // The guardrails report it under their own path: they are named once, as the requirer or not at all.
  const neededBy = component.declaredBy === scope.node.scope ? 'the guardrails themselves' : component.declaredBy.node.path;
  const where = `namespace ${component.namespace} is guarded and runs ${component.description}, needed by ${neededBy}`;
  if (component.unwritable) {
    return { problem: { what: `${where}, whose flows the library cannot write: ${component.unwritable}`, fix: `Run it in another namespace, or ${exemptionFix(component.namespace)}.` } };
  }
  if ((component.callsApiServer || component.webhookPorts.length > 0) && context.apiServerAddresses.length === 0) {
    return {
      problem: {
        what: `${where}, which must reach the API server${component.webhookPorts.length > 0 ? ' and serve its webhooks' : ''}, but the API server's addresses are not known`,
        fix: 'Give apiServerAddresses (the addresses of the kubernetes Service\'s endpoints: kubectl get endpointslices -l kubernetes.io/service-name=kubernetes), '
          + `or ${exemptionFix(component.namespace)}.`,
      },
    };
  }
  if (model.endpointSelecting(component.namespace, component.podLabels)) return {};
  const isDns = context.dns._destinations.some((d) => sameSelection(d.peer, component));
  // The id names the tier's representative pod in the analyzer: the component's name where it is unique.
  const id = scope.node.tryFindChild(component.name) ? `${component.namespace}-${component.name}` : component.name;
  const tier = new IsolatedTier(scope, id, {
    name: component.name,
    namespace: component.namespace,
    podLabels: component.podLabels,
    ports: component.ports,
    dns: isDns ? ClusterDns.disabled() : context.dns,
    inMesh: false,
  });
  // The installer of each component (its Helm chart or operator) manages its Services, not this app.
  if (component.ports.length > 0) {
    AuditAcceptance.accept(tier, ['NETSEC013'], `${component.description} is reached through the Service its installer manages`);
  }
  for (const accepted of component.accepted ?? []) AuditAcceptance.accept(tier, accepted.ruleIds, accepted.reason);
  const apiServer: IPeer[] = context.apiServerAddresses.map((cidr) => Peer.ipBlock(cidr));
  for (const flow of component.ingress) {
    if (flow.everyPod) model.addFlow({ source: flow.peer, destination: tier, ports: [...flow.ports], declaredBy: tier, componentSideOnly: true });
    else tier.allowFrom(flow.peer, ...flow.ports);
  }
  for (const peer of component.webhookPorts.length > 0 ? apiServer : []) tier.allowFrom(peer, ...component.webhookPorts);
  for (const flow of component.egress) tier.allowTo(flow.peer, ...flow.ports);
  for (const peer of component.callsApiServer ? apiServer : []) tier.allowTo(peer, ...API_SERVER_PORTS);
  return { tier };
}

function sameSelection(peer: IPeer, component: PlatformComponent): boolean {
  const config = peer.toPeerConfig();
  return config.namespace === component.namespace
    && JSON.stringify(config.podSelector?.matchLabels ?? {}) === JSON.stringify(component.podLabels);
}

/** The construct that holds the component tiers of a ClusterIsolation. */
export function componentScope(guardrails: IConstruct): Construct {
  return (guardrails.node.tryFindChild('Platform') as Construct | undefined) ?? new Construct(guardrails as Construct, 'Platform');
}

/**
 * A component in an exempt namespace keeps no policy of its own, but what it dials in a guarded namespace
 * does (an Envoy Gateway data plane in an exempt Gateway namespace, its controller guarded): each of its
 * egress flows to pods of a guarded namespace is declared from its pods, so that the tier describing the
 * other side admits them. A destination that admits every pod on those ports already (istiod) gains
 * nothing. Idempotent (`done`); called when the app is validated, when every component is known.
 */
export function declareExemptComponentFlows(scope: IConstruct, component: PlatformComponent, guarded: (namespace: string) => boolean,
  done: Set<string>): void {
  const model = IntentModel.of(scope);
  const source = Peer.pods(component.podLabels, component.namespace);
  for (const flow of component.egress) {
    const config = flow.peer.toPeerConfig();
    if (config.ipBlock || config.namespace === undefined || !guarded(config.namespace)) continue;
    const key = `${component.namespace}/${JSON.stringify(component.podLabels)} -> ${String(flow.peer)} ${flow.ports.map(String).join(',')}`;
    if (done.has(key) || admitsEveryPod(model.platformComponents, config.namespace, config.podSelector?.matchLabels ?? {}, flow.ports)) continue;
    // Declared to the tier describing the pods (a flow between two raw selectors is written on neither side).
    const described = model.endpointSelecting(config.namespace, config.podSelector?.matchLabels ?? {});
    if (!IsolatedTier.isIsolatedTier(described)) continue;
    done.add(key);
    model.addFlow({ source, destination: described, ports: [...flow.ports], declaredBy: component.declaredBy });
  }
}

/** True when a component with exactly these pods admits every pod on each of `ports`. */
function admitsEveryPod(components: PlatformComponent[], namespace: string, labels: { [key: string]: string }, ports: Port[]): boolean {
  const target = components.find((c) => c.namespace === namespace && JSON.stringify(c.podLabels) === JSON.stringify(labels));
  const open = (target?.ingress ?? []).filter((f) => f.everyPod).flatMap((f) => f.ports.map(String));
  return ports.length > 0 && ports.every((p) => open.includes(String(p)));
}
