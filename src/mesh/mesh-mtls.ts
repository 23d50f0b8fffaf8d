import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkTrustDomain, isSourceProblem, meshSourceOf, resolveIdentity, ResolvedIdentity, WorkloadIdentity } from './mesh-identity';
import { MESH_NAMESPACE_LABELS, MeshInjection } from './mesh-injection';
import {
  exceptionsFor, MtlsMode, MtlsPortException, plaintextPortsOf, resolvePortExceptions, ResolvedPortException,
} from './mesh-peer-authentication';
import { checkedInput } from '../core/checked-input';
import { netsecError, validationProblem } from '../core/errors';
import { checkDns1123Subdomain, toDnsLabel } from '../core/names';
import { checkNamespace, IPeer, Peer, resolvePeer } from '../core/peer';
import { Port } from '../core/port';
import { defaultName, resolveNamespace } from '../core/scope-defaults';
import { observeFlowsInto } from '../model/flows-into';
import { IntentModel } from '../model/intent-model';
import { isIsolatedGroup, IsolatedGroup } from '../model/isolated-group';
import type { Flow, ServiceRecord } from '../model/records';
import { recordMeshControlPlane } from '../platform/component-records';
import { AuthorizationContext, authorizationProblems, renderAllowSpec } from '../render/authorization-policy';
import { destinationRuleSpec } from '../render/destination-rule';
import { istioNetworking, istioSecurity } from '../render/l1';
import { renderPeerAuthentication, renderPortException } from '../render/peer-authentication';
import { SortedObjects } from '../render/sorted-objects';
import { IsolatedPods } from '../tiers/isolated-pods';
import { NamespaceIsolation } from '../tiers/namespace-isolation';
import { IsolatedTier } from '../tiers/tier';
import { isAcmeSolverTier } from '../tls/acme-solvers';

const MESH_MARK = Symbol.for('cdk8s-netsec.MeshMtls');

/** The port sidecars use to reach istiod for configuration (XDS) and certificates. */
const ISTIOD_XDS_PORT = 15012;
/** The port ambient pods exchange tunnelled mTLS (HBONE) traffic on. */
const HBONE_PORT = 15008;
/** The link-local address ambient rewrites the node's kubelet health probes to. */
const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';

/** Properties of `MeshMtls`. */
export interface MeshMtlsProps {
  /**
   * How workloads accept connections. Anything but STRICT needs `allowPlaintext`.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;
  /**
   * Confirms a mode that accepts plaintext (PERMISSIVE or DISABLE), e.g. while workloads migrate into the
   * mesh. Plaintext connections carry no identity, so identity-based authorization rejects them.
   * @default false
   */
  readonly allowPlaintext?: boolean;
  /**
   * The namespace whose workloads this covers.
   * @default - the namespace of the enclosing chart (unless `meshWide`)
   */
  readonly namespace?: string;
  /**
   * Cover the whole mesh: the PeerAuthentication goes to the root namespace and applies to every
   * namespace; authorization covers every tier of the app, with a default deny in each namespace where a
   * tier or namespace of the app receives declared flows.
   * @default false
   */
  readonly meshWide?: boolean;
  /**
   * The mesh's root namespace (where istiod runs and mesh-wide policies live).
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * The mesh trust domain, the first part of every principal.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The cluster DNS domain of Service host names in DestinationRules (`<svc>.<ns>.svc.<clusterDomain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Emit identity-based authorization: an allow-nothing AuthorizationPolicy per namespace (default deny)
   * and one ALLOW policy per tier or namespace that receives flows, naming exactly its declared callers.
   * @default true
   */
  readonly authorization?: boolean;
  /**
   * Service accounts of callers that are not tiers (pods named with `Peer.pods(labels, namespace)`), so
   * that they are authorized by principal. A flow from such pods without a known identity is an error:
   * a namespace-wide source would admit more than the pods declared.
   * @default - none
   */
  readonly identities?: WorkloadIdentity[];
  /**
   * Ports of some workloads that use another mTLS mode (one workload-scoped PeerAuthentication each).
   * @default - none
   */
  readonly portExceptions?: MtlsPortException[];
  /**
   * How pods join the mesh: the labels written on the Namespace objects the library emits, and the
   * data-plane traffic written into NetworkPolicies.
   * @default MeshInjection.sidecar()
   */
  readonly injection?: MeshInjection;
  /**
   * The istiod pods that sidecars reach on TCP 15012; egress-isolated pods get an egress rule to them.
   * @default - pods labelled app=istiod in the root namespace
   */
  readonly controlPlane?: IPeer;
  /**
   * The base name of the emitted objects (the PeerAuthentication is named this).
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * Istio mutual TLS and identity-based authorization for the tiers of a namespace (or of the whole mesh),
 * derived from the same declared flows as the NetworkPolicies: enforced once at L4 and again at L7.
 *
 * It emits a PeerAuthentication (STRICT by default) plus one per port exception; a DestinationRule with
 * `ISTIO_MUTUAL` for every Service the library emits there; with `authorization`, an allow-nothing
 * AuthorizationPolicy (default deny) and one ALLOW policy per receiving tier whose sources are the
 * principals `<trustDomain>/ns/<ns>/sa/<serviceAccount>` of its callers and whose operations name the
 * allowed ports. Namespace objects emitted by `NamespaceIsolation` get the injection label, and
 * egress-isolated pods may reach istiod on TCP 15012, or their sidecars would never start.
 *
 * Flows and Services declared after this construct are covered too.
 *
 * @example
 * new MeshMtls(chart, 'mesh', { mode: MtlsMode.STRICT });
 */
export class MeshMtls extends Construct {
  /** True when `x` is a `MeshMtls` (also across copies of this library). */
  public static isMeshMtls(x: any): x is MeshMtls {
    return x !== null && typeof x === 'object' && MESH_MARK in x;
  }

  /** The base name of the emitted objects. */
  public readonly name: string;
  /** The mTLS mode. */
  public readonly mode: MtlsMode;
  /** The namespace covered; undefined when mesh-wide. */
  public readonly namespace?: string;
  /** True when the whole mesh is covered. */
  public readonly meshWide: boolean;
  /** The mesh's root namespace. */
  public readonly rootNamespace: string;
  /** The mesh trust domain. */
  public readonly trustDomain: string;
  /** Whether identity-based AuthorizationPolicies are emitted. */
  public readonly authorization: boolean;
  /** How pods join the mesh. */
  public readonly injection: MeshInjection;
  /** The namespace- or mesh-wide PeerAuthentication. */
  public readonly peerAuthentication: ApiObject;

  private readonly model: IntentModel;
  private readonly clusterDomain: string;
  private readonly identities: ResolvedIdentity[];
  private readonly exceptions: ResolvedPortException[];
  private readonly allowPolicies = new Set<IsolatedPods>();
  private readonly defaultDenyNamespaces = new Set<string>();
  private readonly admittedEdges = new Set<string>();
  private readonly admittedSolvers = new Set<IsolatedTier>();
  /** Edges in authorized namespaces whose container ports are unknown, found while emitting. */
  private readonly edgeProblems: string[] = [];
  private readonly authorizationPolicies: SortedObjects;
  private readonly destinationRules: SortedObjects;
  // Where policies emitted after the constructor go (see the constructor).
  private readonly laterPolicies?: Construct;

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`MeshMtlsProps`)
   */
  public constructor(scope: Construct, id: string, props: MeshMtlsProps = {}) {
    const {
      name, mode, authorization, injection, meshWide, namespace, rootNamespace, trustDomain, clusterDomain, identities, exceptions, controlPlane,
    }
      = checkedInput(scope, id, (path) => checkMeshProps(scope, id, path, props), { props: { given: props, struct: 'MeshMtlsProps' } });
    super(scope, id);
    Object.defineProperty(this, MESH_MARK, { value: true });
    this.model = IntentModel.of(this);
    this.name = name;
    this.mode = mode;
    this.authorization = authorization;
    this.injection = injection;
    this.meshWide = meshWide;
    this.namespace = namespace;
    this.rootNamespace = rootNamespace;
    this.trustDomain = trustDomain;
    this.clusterDomain = clusterDomain;
    this.identities = identities;
    this.exceptions = exceptions;
    this.authorizationPolicies = new SortedObjects(this, 'AuthorizationPolicy', istioSecurity().AuthorizationPolicy.GVK.apiVersion,
      istioSecurity().AuthorizationPolicy.GVK.kind);
    if (namespace !== undefined) this.model.namespaces.use(namespace, this, 'the MeshMtls');
    this.model.addMesh(this);

    const policyNamespace = this.namespace ?? this.rootNamespace;
    this.model.names.claim('PeerAuthentication', policyNamespace, this.name, this);
    this.peerAuthentication = renderPeerAuthentication(this, 'PeerAuthentication', this.name, policyNamespace, this.mode);
    for (const exception of this.exceptions) this.emitException(exception);
    this.requireDataPlaneTraffic(controlPlane);
    if (Object.keys(this.injection.namespaceLabels).length > 0) {
      this.model.requireNamespaceLabels({ namespace: this.namespace, labels: this.injection.namespaceLabels, requiredAt: this.node.path });
    }
    if (this.authorization && this.namespace !== undefined) this.ensureDefaultDeny(this.namespace);

    // Everything above is emitted by the constructor itself; what intent brings later follows, DestinationRules
    // (one per Service) before AuthorizationPolicies (one per receiving group, the allow-nothing policy of
    // each namespace they are in, and one per edge data plane there). Objects of one kind render in key order.
    this.destinationRules = new SortedObjects(new Construct(this, 'DestinationRules'), 'DestinationRule',
      istioNetworking().DestinationRule.GVK.apiVersion, istioNetworking().DestinationRule.GVK.kind);
    this.laterPolicies = new Construct(this, 'AuthorizationPolicies');
    this.model.observe({
      flowAdded: (f) => this.onFlow(f),
      serviceAdded: (s) => this.onService(s),
      edgeIdentityAdded: () => this.admitEdgeDataPlanes(),
    });
    this.model.observePlatformComponents(() => this.admitEdgeDataPlanes());
    if (this.authorization) observeFlowsInto(this.model, (group, flow) => this.authorize(group, flow));
    this.admitEdgeDataPlanes();
    if (this.authorization) this.admitAcmeSolvers();
    this.node.addValidation({ validate: () => this.validateMesh() });
  }

  /** True when workloads of `namespace` are covered. */
  public covers(namespace: string): boolean {
    return this.meshWide || namespace === this.namespace;
  }

  private emitException(exception: ResolvedPortException): void {
    this.model.names.claim('PeerAuthentication', exception.namespace, exception.name, this);
    renderPortException(this, `PortException-${exception.namespace}-${exception.name}`, exception, this.mode);
  }

  /** Egress (and, for ambient, ingress) that isolated pods need for the data plane to work. */
  private requireDataPlaneTraffic(controlPlane: IPeer | undefined): void {
    const namespace = this.namespace;
    recordMeshControlPlane(this, this.rootNamespace, this.injection._isAmbient, controlPlane);
    if (!this.injection._isAmbient) {
      const istiod = controlPlane ?? Peer.pods({ app: 'istiod' }, this.rootNamespace);
      this.model.requireEgress({ namespace, peer: istiod, ports: [Port.tcp(ISTIOD_XDS_PORT)], requiredAt: this.node.path });
      return;
    }
    // Kubelet probes of ambient pods arrive from this link-local address; the HBONE port is opened per
    // flow (see onFlow), so that only declared callers reach it.
    this.model.requireIngress({ namespace, peer: Peer.ipBlock(AMBIENT_PROBE_SOURCE), ports: [], requiredAt: this.node.path });
  }

  /**
   * Under ambient, a connection between meshed pods travels as HBONE to TCP 15008 of the destination pod,
   * which is all its NetworkPolicies see. Each declared flow into a covered namespace therefore also
   * opens 15008 between exactly its two sides (both written by the intent model, across namespaces
   * too), never for every pod.
   */
  private onFlow(flow: Flow): void {
    if (!this.injection._isAmbient || flow.transport) return;
    const destination = flow.destination.toPeerConfig();
    if (flow.source.toPeerConfig().ipBlock || destination.ipBlock) return;
    const namespace = destination.namespace ?? (isIsolatedGroup(flow.destination) ? flow.destination.namespace : undefined)
      ?? (isIsolatedGroup(flow.source) ? flow.source.namespace : undefined);
    if (namespace !== undefined && !this.covers(namespace) && !destination.allNamespaces && !destination.namespaceSelector) return;
    this.model.addFlow({
      source: flow.source, destination: flow.destination, ports: [Port.tcp(HBONE_PORT)], declaredBy: flow.declaredBy, transport: true,
    });
  }

  /**
   * The flows a group accepts as mesh authorization sees them: declared flows into it and flows whose
   * destination selects all its pods; not the data-plane flows the mesh adds, nor DNS.
   */
  private authorizedFlowsTo(group: IsolatedPods): Flow[] {
    const mirrored = this.model.mirrors.flowsOnto(group).ingress.filter((f) => !(f as any).dns);
    return [...this.model.flowsTo(group), ...mirrored].filter((f) => !f.transport);
  }

  /**
   * Emits the ALLOW policy of `group` (and the allow-nothing policy of its namespace) when the first flow
   * mesh authorization sees arrives into it. The policy's rules are rendered from the model at synth, when
   * every flow is known, including those whose destination names the group only through a selector.
   */
  private authorize(group: IsolatedGroup, flow: Flow): void {
    if (!flow.transport && isAcmeSolverTier(group)) this.admitAcmeSolvers();
    if (flow.transport || !isAuthorizable(group) || !this.covers(group.namespace) || this.allowPolicies.has(group)) return;
    this.ensureDefaultDeny(group.namespace);
    const name = group.policy.name;
    this.model.names.claim('AuthorizationPolicy', group.namespace, name, this);
    this.allowPolicies.add(group);
    this.authorizationPolicies.add({
      key: `${group.namespace}/${name}`,
      metadata: () => ({ name, namespace: group.namespace }),
      spec: () => renderAllowSpec(group, this.authorizedFlowsTo(group), this.contextFor(group)),
    }, this.laterPolicies);
  }

  /**
   * The data plane of an edge (a gateway's or an ingress controller's proxy pods) that runs in a namespace
   * with an allow-nothing policy would be selected by it too and refuse every client: each gets an ALLOW
   * policy of its own, for its pods only, from any source on the container ports its clients reach (what
   * its proxy or sidecar sees: Envoy Gateway's 10443 for listener 443, ingress-nginx's 443). Who may reach
   * those ports at all is still the NetworkPolicies' decision. A data plane whose container ports the
   * library does not know is reported instead.
   */
  private admitEdgeDataPlanes(): void {
    if (!this.laterPolicies) return;
    for (const component of this.model.platformComponents) {
      const labels = component.podLabels;
      const namespace = component.namespace;
      if (!component.dataPlane || !this.defaultDenyNamespaces.has(namespace) || Object.keys(labels).length === 0) continue;
      const name = toDnsLabel([this.name, 'edge', component.name]);
      const key = `${namespace}/${name}`;
      if (this.admittedEdges.has(key)) continue;
      this.admittedEdges.add(key);
      const ports = component.clientPorts;
      if (ports === undefined) {
        this.edgeProblems.push(validationProblem(`the mesh denies every request in namespace ${namespace} that an ALLOW policy does not name, and ${component.description} `
          + 'runs there, whose container ports the library does not know, so no ALLOW policy can admit its clients', namespace,
        'State the data plane\'s container ports (containerPorts of GatewayImplementation.custom() or IngressController.custom()), or run it in a namespace the mesh does not authorize.'));
        continue;
      }
      this.model.names.claim('AuthorizationPolicy', namespace, name, this);
      this.authorizationPolicies.add({
        key,
        metadata: () => ({ name, namespace }),
        spec: () => ({
          selector: { matchLabels: { ...labels } },
          action: 'ALLOW',
          rules: [{ to: [{ operation: { ports: ports.map((p) => String(p.startPort)) } }] }],
        }),
      }, this.laterPolicies);
    }
  }

  /**
   * cert-manager's HTTP-01 solver pods run in the namespace of the route they answer for, where the
   * allow-nothing policy selects them too: under ambient, ztunnel enforces it for every pod of the
   * namespace; with sidecars, for solver pods an issuer lets the injector reach (the library's own ACME
   * issuers keep sidecars out). Each solver tier the library made there gets an ALLOW policy of its own,
   * naming the identities of the edges that reach it, on the solver port. Under ambient an edge without a
   * known identity is refused at synth (see `solverProblems`).
   */
  private admitAcmeSolvers(): void {
    if (!this.laterPolicies) return;
    for (const solver of this.model.isolatedGroups) {
      if (!isAcmeSolverTier(solver) || !this.defaultDenyNamespaces.has(solver.namespace) || this.admittedSolvers.has(solver)) continue;
      const context = this.contextFor(solver);
      const named = this.authorizedFlowsTo(solver)
        .filter((f) => !isSourceProblem(meshSourceOf(f.source, solver.namespace, context.trustDomain, context.identities)));
      if (named.length === 0) continue;
      this.admittedSolvers.add(solver);
      const name = solver.policy.name;
      const namespace = solver.namespace;
      this.model.names.claim('AuthorizationPolicy', namespace, name, this);
      this.authorizationPolicies.add({
        key: `${namespace}/${name}`,
        metadata: () => ({ name, namespace }),
        spec: () => renderAllowSpec(solver, this.authorizedFlowsTo(solver), this.contextFor(solver)),
      }, this.laterPolicies);
    }
  }

  /** Under ambient, edges that reach a solver bound by the allow-nothing policy must have a known identity. */
  private solverProblems(): string[] {
    if (!this.authorization || !this.injection._isAmbient) return [];
    const problems: string[] = [];
    for (const solver of this.model.isolatedGroups) {
      if (!isAcmeSolverTier(solver) || !this.defaultDenyNamespaces.has(solver.namespace)) continue;
      const context = this.contextFor(solver);
      for (const flow of this.authorizedFlowsTo(solver)) {
        const source = meshSourceOf(flow.source, solver.namespace, context.trustDomain, context.identities);
        if (!isSourceProblem(source)) continue;
        problems.push(netsecError(flow.declaredBy, `under ambient, ztunnel applies the mesh's allow-nothing policy to cert-manager's HTTP-01 solver pods in namespace ${solver.namespace}, `
          + `and the edge ${flow.source} that must reach them has no identity the mesh knows, so ACME HTTP-01 challenges would fail`, String(flow.source),
        'Name the edge\'s service account (serviceAccountName of the IngressController or GatewayImplementation, or MeshMtls identities: [{ peer, serviceAccountName }]), '
          + 'or solve challenges with DNS-01 (acmeHttp01: false).').message);
      }
    }
    return problems;
  }

  /** An allow-nothing policy: with it, a workload of the namespace accepts only what an ALLOW policy names. */
  private ensureDefaultDeny(namespace: string): void {
    if (this.defaultDenyNamespaces.has(namespace)) return;
    this.defaultDenyNamespaces.add(namespace);
    const name = toDnsLabel([this.name, 'allow-nothing']);
    this.model.names.claim('AuthorizationPolicy', namespace, name, this);
    this.authorizationPolicies.add({ key: `${namespace}/${name}`, metadata: () => ({ name, namespace }), spec: () => ({}) }, this.laterPolicies);
    this.admitEdgeDataPlanes();
    this.admitAcmeSolvers();
  }

  private onService(service: ServiceRecord): void {
    if (!this.covers(service.namespace)) return;
    this.model.names.claim('DestinationRule', service.namespace, service.name, this);
    this.destinationRules.add({
      key: `${service.namespace}/${service.name}`,
      metadata: () => ({ name: service.name, namespace: service.namespace }),
      spec: () => destinationRuleSpec(service, this.clusterDomain, this.mode !== MtlsMode.DISABLE),
    });
  }

  private contextFor(destination: IsolatedPods): AuthorizationContext {
    return {
      trustDomain: this.trustDomain,
      // Identities given here come first; then the edges' data planes, which SecureIngress records.
      identities: [...this.identities, ...this.model.edgeIdentities.map((e) => resolveIdentity(e.declaredAt, e))],
      plaintextPorts: plaintextPortsOf(this.exceptions, destination),
      strict: this.mode === MtlsMode.STRICT,
    };
  }

  private validateMesh(): string[] {
    const errors = [...this.overlappingMeshes(), ...this.namespaceLabelConflicts(), ...this.disabledServicePorts(), ...this.sharedServiceAccounts(),
      ...this.solverProblems(), ...this.edgeProblems, ...this.policiesOutOfStep()];
    for (const destination of this.allowPolicies) {
      errors.push(...authorizationProblems(destination, this.authorizedFlowsTo(destination), this.contextFor(destination)));
    }
    return [...new Set(errors)];
  }

  /**
   * ALLOW policies are emitted as flows arrive; the set must match the groups that receive flows once the
   * app is complete. A namespace's labels added after a flow (by a later MeshMtls) can make a namespace
   * selector stop selecting a group that already got its policy; that policy would admit no caller.
   */
  private policiesOutOfStep(): string[] {
    if (!this.authorization) return [];
    const errors: string[] = [];
    for (const group of this.model.isolatedGroups) {
      if (!isAuthorizable(group) || !this.covers(group.namespace)) continue;
      const receives = this.authorizedFlowsTo(group).length > 0;
      if (receives === this.allowPolicies.has(group)) continue;
      errors.push(receives
        ? netsecError(group, `${group} receives declared flows that mesh authorization was not told of, so it has no ALLOW policy and would refuse every caller`,
          this.authorizedFlowsTo(group).map((f) => String(f.source)), 'This is a defect of cdk8s-netsec: please report it with the program that shows it.').message
        : netsecError(group, `mesh authorization wrote an ALLOW policy for ${group} when a flow into it was declared, but no declared flow reaches it any more: a namespace selector stopped selecting it when labels were added to its Namespace`,
          group.namespace, 'Declare MeshMtls (and NamespaceIsolations with createNamespace) before the flows whose peers select namespaces by label.').message);
    }
    return errors;
  }

  /**
   * Two meshed tiers of one namespace running as one service account have one identity: an ALLOW rule
   * for either would admit both.
   */
  private sharedServiceAccounts(): string[] {
    if (!this.authorization) return [];
    const byAccount = new Map<string, IsolatedTier[]>();
    for (const group of this.model.isolatedGroups) {
      if (!IsolatedTier.isIsolatedTier(group) || !group.inMesh || group.serviceAccountName === undefined || !this.covers(group.namespace)) continue;
      const key = `${group.namespace}/${group.serviceAccountName}`;
      byAccount.set(key, [...byAccount.get(key) ?? [], group]);
    }
    return [...byAccount.entries()].filter(([, tiers]) => tiers.length > 1).map(([key, tiers]) =>
      netsecError(tiers[1], `${tiers.map(String).join(' and ')} run as one service account, so mesh authorization cannot tell them apart: a flow allowed from one would be allowed from the other`,
        key, 'Give each tier its own service account (serviceAccountName), as Kubernetes workloads should have anyway.').message);
  }

  /** Two MeshMtls covering the same workloads would emit competing policies. */
  private overlappingMeshes(): string[] {
    const meshes = this.model.meshes.filter(MeshMtls.isMeshMtls);
    return meshes.slice(0, meshes.indexOf(this))
      .filter((other) => this.meshWide || other.meshWide || other.namespace === this.namespace)
      .map((other) => validationProblem(`it covers workloads that ${other.node.path} covers already`,
        this.namespace ?? 'mesh-wide', 'Use one MeshMtls per namespace, or a single mesh-wide one.'));
  }

  /**
   * Namespace objects emitted in covered namespaces get the injection labels through the intent model, which
   * they read when they render; here only a contradicting label given by the user is reported.
   */
  private namespaceLabelConflicts(): string[] {
    const wanted = this.injection.namespaceLabels;
    const errors: string[] = [];
    for (const isolation of this.model.isolatedGroups) {
      if (!(isolation instanceof NamespaceIsolation) || !isolation.namespaceObject || !this.covers(isolation.namespace)) continue;
      const given = isolation.namespaceLabels;
      const conflicts = MESH_NAMESPACE_LABELS
        .filter((key) => given[key] !== undefined && given[key] !== wanted[key])
        .map((key) => `${key}=${given[key]}`);
      if (conflicts.length > 0) {
        errors.push(netsecError(isolation, `Namespace ${isolation.namespace} carries a mesh label that contradicts injection ${this.injection}`,
          conflicts, 'Remove the label from namespaceLabels, or choose the matching MeshInjection (or MeshInjection.unmanaged()).').message);
      }
    }
    return errors;
  }

  /** DISABLE on a port a library Service forwards to would refuse the ISTIO_MUTUAL its DestinationRule asks for. */
  private disabledServicePorts(): string[] {
    return this.model.services.filter((s) => this.covers(s.namespace)).flatMap((service) => exceptionsFor(this.exceptions, service.backend)
      .flatMap((e) => service.targetPorts.filter((p) => e.ports[String(p.startPort)] === MtlsMode.DISABLE)
        .map((p) => validationProblem(`Service ${service.namespace}/${service.name} forwards to ${p}, where mTLS is DISABLEd, but its DestinationRule asks for ISTIO_MUTUAL`,
          p.toString(), 'Use MtlsMode.PERMISSIVE for the port exception.'))));
  }
}

/** Checks every prop of a MeshMtls, nested ones included, before it joins the tree. */
function checkMeshProps(scope: Construct, id: string, path: string, given: MeshMtlsProps) {
  if (given === null || typeof given !== 'object') {
    throw netsecError(path, 'props must be an object', given, 'Pass { mode: MtlsMode.STRICT }, or leave the props out.');
  }
  // Every prop is read once: a getter that answers a checked value first and another later (meshWide
  // true after the boolean check, a PERMISSIVE mode after STRICT) cannot reach the output.
  const props: MeshMtlsProps = {
    mode: given.mode,
    allowPlaintext: given.allowPlaintext,
    namespace: given.namespace,
    meshWide: given.meshWide,
    rootNamespace: given.rootNamespace,
    trustDomain: given.trustDomain,
    clusterDomain: given.clusterDomain,
    authorization: given.authorization,
    identities: given.identities,
    portExceptions: given.portExceptions,
    injection: given.injection,
    controlPlane: given.controlPlane,
    name: given.name,
  };
  const name = props.name ?? defaultName(scope, id);
  const badName = typeof name === 'string' ? checkDns1123Subdomain(name) : 'must be a string';
  if (badName) throw netsecError(path, `name ${badName}`, name, 'Pass a name such as "mesh".');
  for (const field of ['authorization', 'meshWide', 'allowPlaintext'] as const) {
    if (props[field] !== undefined && typeof props[field] !== 'boolean') {
      throw netsecError(path, `${field} must be true or false`, props[field], `Pass ${field}: true or false, or leave it out.`);
    }
  }
  for (const field of ['identities', 'portExceptions'] as const) {
    if (props[field] !== undefined && !Array.isArray(props[field])) {
      throw netsecError(path, `${field} must be a list`, String(props[field]), `Pass ${field} as a list, or leave it out.`);
    }
  }
  const mode = props.mode ?? MtlsMode.STRICT;
  const authorization = props.authorization ?? true;
  const injection = props.injection ?? MeshInjection.sidecar();
  if (!(injection instanceof MeshInjection)) {
    throw netsecError(path, 'injection is not a MeshInjection', String(injection), 'Use MeshInjection.sidecar(), revision(), ambient() or unmanaged().');
  }
  const meshWide = props.meshWide ?? false;
  checkMode(path, mode, authorization, injection, props);
  if (meshWide && props.namespace !== undefined) {
    throw netsecError(path, 'namespace and meshWide are both set', props.namespace,
      'Drop namespace to cover the whole mesh, or drop meshWide to cover one namespace.');
  }
  const namespace = meshWide ? undefined : resolveNamespace(scope, id, props.namespace);
  const rootNamespace = checkNamespace(path, props.rootNamespace ?? 'istio-system');
  const trustDomain = checkTrustDomain(path, props.trustDomain ?? 'cluster.local');
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  const badDomain = typeof clusterDomain === 'string' ? checkDns1123Subdomain(clusterDomain) : 'must be a string';
  if (badDomain) throw netsecError(path, `clusterDomain ${badDomain}`, clusterDomain, 'Use the cluster DNS domain, usually "cluster.local".');
  const identities = (props.identities ?? []).map((i) => resolveIdentity(path, i));
  const exceptions = resolvePortExceptions(path, props.portExceptions ?? [],
    { mode, baseName: name, namespace, ambient: injection._isAmbient });
  const controlPlane = props.controlPlane === undefined ? undefined : resolvePeer(path, props.controlPlane);
  return {
    name, mode, authorization, injection, meshWide, namespace, rootNamespace, trustDomain, clusterDomain, identities, exceptions, controlPlane,
  };
}

/** Checks that the mode, authorization and data plane go together. */
function checkMode(path: string, mode: MtlsMode, authorization: boolean, injection: MeshInjection, props: MeshMtlsProps): void {
  if (!Object.values(MtlsMode).includes(mode)) {
    throw netsecError(path, 'mode is not an MtlsMode', mode, 'Use MtlsMode.STRICT, PERMISSIVE or DISABLE.');
  }
  if (mode !== MtlsMode.STRICT && props.allowPlaintext !== true) {
    throw netsecError(path, `mode ${mode} accepts plaintext connections, which carry no identity`, mode,
      'Keep MtlsMode.STRICT, or set allowPlaintext: true to confirm a migration period.');
  }
  if (mode === MtlsMode.STRICT && props.allowPlaintext) {
    throw netsecError(path, 'allowPlaintext has no effect with STRICT mTLS', props.allowPlaintext,
      'Drop allowPlaintext, or choose MtlsMode.PERMISSIVE for a migration period.');
  }
  if (mode === MtlsMode.DISABLE && authorization) {
    throw netsecError(path, 'identity-based authorization needs mTLS, which mode DISABLE turns off', mode,
      'Set authorization: false, or use MtlsMode.PERMISSIVE or STRICT.');
  }
  if (injection._isAmbient && mode === MtlsMode.DISABLE) {
    throw netsecError(path, 'the ambient data plane does not support mode DISABLE', mode, 'Use MtlsMode.STRICT or PERMISSIVE.');
  }
  if (injection._isAmbient && !authorization) {
    // NetworkPolicies see ambient traffic between meshed pods only as TCP 15008, so the ports are enforced
    // by ztunnel's authorization alone.
    throw netsecError(path, 'ambient mode needs authorization: NetworkPolicies only see the HBONE tunnel port 15008', authorization,
      'Keep authorization on (the default) with MeshInjection.ambient(), or use sidecars.');
  }
  if (injection._isAmbient && props.controlPlane) {
    throw netsecError(path, 'controlPlane is only used by sidecars, and ambient pods have none', String(props.controlPlane),
      'Drop controlPlane, or use sidecar injection.');
  }
}

/** Meshed tiers and whole namespaces get ALLOW policies; tiers outside the mesh and other isolated groups do not. */
function isAuthorizable(peer: IPeer): peer is IsolatedPods {
  return (IsolatedTier.isIsolatedTier(peer) && peer.inMesh) || peer instanceof NamespaceIsolation;
}
