import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { netsecError } from './errors';
import type { PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtlsMode } from './imports/security.istio.io';
import { Flow, IntentModel, ServiceRecord } from './intent';
import { IsolatedPods } from './isolated-pods';
import { AuthorizationContext, authorizationProblems, renderAllowSpec } from './mesh-authorization';
import { checkTrustDomain, resolveIdentity, ResolvedIdentity, WorkloadIdentity } from './mesh-identity';
import { MESH_NAMESPACE_LABELS, MeshInjection } from './mesh-injection';
import {
  exceptionsFor, MtlsMode, MtlsPortException, plaintextPortsOf, resolvePortExceptions, ResolvedPortException,
} from './mesh-peer-authentication';
import { checkDns1123Subdomain, toDnsLabel } from './names';
import { NamespaceIsolation } from './namespace-isolation';
import { checkNamespace, IPeer, Peer } from './peer';
import { Port } from './port';
import { istioNetworking, istioSecurity } from './render/l1';
import { defaultName, IsolatedTier, resolveNamespace } from './tier';

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
   * Service accounts of callers that are not tiers (an ingress controller, a gateway), so that they are
   * authorized by principal rather than by namespace.
   * @default - none: such callers are authorized by their namespace
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
  private readonly allowPolicies = new Map<IsolatedPods, ApiObject>();
  private readonly defaultDenyNamespaces = new Set<string>();

  /**
   * @param scope the parent construct
   * @param id the construct id, unique among its siblings
   * @param props the configuration (`MeshMtlsProps`)
   */
  public constructor(scope: Construct, id: string, props: MeshMtlsProps = {}) {
    super(scope, id);
    Object.defineProperty(this, MESH_MARK, { value: true });
    this.model = IntentModel.of(this);
    this.name = props.name ?? defaultName(scope, id);
    const badName = checkDns1123Subdomain(this.name);
    if (badName) throw netsecError(this, `name ${badName}`, this.name, 'Pass a name such as "mesh".');
    this.mode = props.mode ?? MtlsMode.STRICT;
    this.authorization = props.authorization ?? true;
    this.injection = props.injection ?? MeshInjection.sidecar();
    this.meshWide = props.meshWide ?? false;
    this.checkMode(props);
    if (this.meshWide && props.namespace !== undefined) {
      throw netsecError(this, 'namespace and meshWide are both set', props.namespace,
        'Drop namespace to cover the whole mesh, or drop meshWide to cover one namespace.');
    }
    this.namespace = this.meshWide ? undefined : resolveNamespace(scope, id, props.namespace);
    this.rootNamespace = checkNamespace(this.node.path, props.rootNamespace ?? 'istio-system');
    this.trustDomain = checkTrustDomain(this.node.path, props.trustDomain ?? 'cluster.local');
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    const badDomain = checkDns1123Subdomain(this.clusterDomain);
    if (badDomain) throw netsecError(this, `clusterDomain ${badDomain}`, this.clusterDomain, 'Use the cluster DNS domain, usually "cluster.local".');
    this.identities = (props.identities ?? []).map((i) => resolveIdentity(this.node.path, i));
    this.exceptions = resolvePortExceptions(this, props.portExceptions ?? [],
      { mode: this.mode, baseName: this.name, namespace: this.namespace, ambient: this.injection.isAmbient });

    const policyNamespace = this.namespace ?? this.rootNamespace;
    this.model.claimName('PeerAuthentication', policyNamespace, this.name, this);
    this.peerAuthentication = new (istioSecurity().PeerAuthentication)(this, 'PeerAuthentication', {
      metadata: { name: this.name, namespace: policyNamespace },
      spec: { mtls: { mode: this.mode as string as PeerAuthenticationSpecMtlsMode } },
    });
    for (const exception of this.exceptions) this.emitException(exception);
    this.requireDataPlaneTraffic(props.controlPlane);
    if (Object.keys(this.injection.namespaceLabels).length > 0) {
      this.model.requireNamespaceLabels({ namespace: this.namespace, labels: this.injection.namespaceLabels, requiredBy: this });
    }
    if (this.authorization && this.namespace !== undefined) this.ensureDefaultDeny(this.namespace);

    this.model.observe({ flowAdded: (f) => this.onFlow(f), serviceAdded: (s) => this.onService(s) });
    this.node.addValidation({ validate: () => this.validateMesh() });
  }

  /** True when workloads of `namespace` are covered. */
  public covers(namespace: string): boolean {
    return this.meshWide || namespace === this.namespace;
  }

  private checkMode(props: MeshMtlsProps): void {
    if (!Object.values(MtlsMode).includes(this.mode)) {
      throw netsecError(this, 'mode is not an MtlsMode', this.mode, 'Use MtlsMode.STRICT, PERMISSIVE or DISABLE.');
    }
    if (this.mode !== MtlsMode.STRICT && !props.allowPlaintext) {
      throw netsecError(this, `mode ${this.mode} accepts plaintext connections, which carry no identity`, this.mode,
        'Keep MtlsMode.STRICT, or set allowPlaintext: true to confirm a migration period.');
    }
    if (this.mode === MtlsMode.STRICT && props.allowPlaintext) {
      throw netsecError(this, 'allowPlaintext has no effect with STRICT mTLS', props.allowPlaintext,
        'Drop allowPlaintext, or choose MtlsMode.PERMISSIVE for a migration period.');
    }
    if (this.mode === MtlsMode.DISABLE && this.authorization) {
      throw netsecError(this, 'identity-based authorization needs mTLS, which mode DISABLE turns off', this.mode,
        'Set authorization: false, or use MtlsMode.PERMISSIVE or STRICT.');
    }
    if (this.injection.isAmbient && this.mode === MtlsMode.DISABLE) {
      throw netsecError(this, 'the ambient data plane does not support mode DISABLE', this.mode, 'Use MtlsMode.STRICT or PERMISSIVE.');
    }
    if (this.injection.isAmbient && !this.authorization) {
      // NetworkPolicies see ambient traffic only as TCP 15008 between pods, so ports and callers are
      // enforced by ztunnel's authorization alone.
      throw netsecError(this, 'ambient mode needs authorization: NetworkPolicies only see the HBONE tunnel port 15008', this.authorization,
        'Keep authorization on (the default) with MeshInjection.ambient(), or use sidecars.');
    }
    if (this.injection.isAmbient && props.controlPlane) {
      throw netsecError(this, 'controlPlane is only used by sidecars, and ambient pods have none', String(props.controlPlane),
        'Drop controlPlane, or use sidecar injection.');
    }
  }

  private emitException(exception: ResolvedPortException): void {
    this.model.claimName('PeerAuthentication', exception.namespace, exception.name, this);
    // Workload-scoped policies are ignored in the root namespace, so each goes to its pods' namespace.
    new (istioSecurity().PeerAuthentication)(this, `PortException-${exception.namespace}-${exception.name}`, {
      metadata: { name: exception.name, namespace: exception.namespace },
      spec: {
        selector: { matchLabels: exception.labels },
        mtls: { mode: this.mode as string as PeerAuthenticationSpecMtlsMode },
        portLevelMtls: Object.fromEntries(Object.keys(exception.ports).sort((a, b) => Number(a) - Number(b))
          .map((port) => [port, { mode: exception.ports[port] as string as PeerAuthenticationSpecPortLevelMtlsMode }])),
      },
    });
  }

  /** Egress (and, for ambient, ingress) that isolated pods need for the data plane to work. */
  private requireDataPlaneTraffic(controlPlane: IPeer | undefined): void {
    const namespace = this.namespace;
    if (!this.injection.isAmbient) {
      const istiod = controlPlane ?? Peer.pods({ app: 'istiod' }, this.rootNamespace);
      this.model.requireEgress({ namespace, peer: istiod, ports: [Port.tcp(ISTIOD_XDS_PORT)], requiredBy: this });
      return;
    }
    // Callers reach ambient pods through the HBONE tunnel; ztunnel then enforces the AuthorizationPolicies.
    this.model.requireIngress({ namespace, peer: Peer.allPods(), ports: [Port.tcp(HBONE_PORT)], requiredBy: this });
    this.model.requireIngress({ namespace, peer: Peer.ipBlock(AMBIENT_PROBE_SOURCE), ports: [], requiredBy: this });
    const meshed = namespace === undefined ? Peer.allPods() : Peer.namespace(namespace);
    this.model.requireEgress({ namespace, peer: meshed, ports: [Port.tcp(HBONE_PORT)], requiredBy: this });
  }

  private onFlow(flow: Flow): void {
    if (!this.authorization) return;
    const destination = flow.destination;
    if (!isAuthorizable(destination) || !this.covers(destination.namespace)) return;
    this.ensureDefaultDeny(destination.namespace);
    if (this.allowPolicies.has(destination)) return;
    const name = destination.policy.name;
    this.model.claimName('AuthorizationPolicy', destination.namespace, name, this);
    this.allowPolicies.set(destination, new ApiObject(this, `Allow-${destination.namespace}-${name}`, {
      apiVersion: istioSecurity().AuthorizationPolicy.GVK.apiVersion,
      kind: istioSecurity().AuthorizationPolicy.GVK.kind,
      metadata: { name, namespace: destination.namespace },
      spec: Lazy.any({ produce: () => renderAllowSpec(destination, this.model.flowsTo(destination), this.contextFor(destination)) }),
    }));
  }

  /** An allow-nothing policy: with it, a workload of the namespace accepts only what an ALLOW policy names. */
  private ensureDefaultDeny(namespace: string): void {
    if (this.defaultDenyNamespaces.has(namespace)) return;
    this.defaultDenyNamespaces.add(namespace);
    const name = toDnsLabel([this.name, 'allow-nothing']);
    this.model.claimName('AuthorizationPolicy', namespace, name, this);
    new (istioSecurity().AuthorizationPolicy)(this, `AllowNothing-${namespace}`, { metadata: { name, namespace }, spec: {} });
  }

  private onService(service: ServiceRecord): void {
    if (!this.covers(service.namespace)) return;
    this.model.claimName('DestinationRule', service.namespace, service.name, this);
    const tls = this.mode === MtlsMode.DISABLE
      ? istioNetworking().DestinationRuleSpecTrafficPolicyTlsMode.DISABLE
      : istioNetworking().DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL;
    new (istioNetworking().DestinationRule)(this, `DestinationRule-${service.namespace}-${service.name}`, {
      metadata: { name: service.name, namespace: service.namespace },
      spec: {
        host: `${service.name}.${service.namespace}.svc.${this.clusterDomain}`,
        trafficPolicy: { tls: { mode: tls } },
      },
    });
  }

  private contextFor(destination: IsolatedPods): AuthorizationContext {
    return {
      trustDomain: this.trustDomain,
      // Identities given here come first; then the edges' data planes, which SecureIngress records.
      identities: [...this.identities, ...this.model.edgeIdentities.map((e) => resolveIdentity(e.declaredBy.node.path, e))],
      plaintextPorts: plaintextPortsOf(this.exceptions, destination),
      strict: this.mode === MtlsMode.STRICT,
    };
  }

  private validateMesh(): string[] {
    const errors = [...this.overlappingMeshes(), ...this.namespaceLabelConflicts(), ...this.disabledServicePorts()];
    for (const [destination] of this.allowPolicies) {
      errors.push(...authorizationProblems(destination, this.model.flowsTo(destination), this.contextFor(destination)));
    }
    return [...new Set(errors)];
  }

  /** Two MeshMtls covering the same workloads would emit competing policies. */
  private overlappingMeshes(): string[] {
    const meshes = this.node.root.node.findAll().filter(MeshMtls.isMeshMtls);
    return meshes.slice(0, meshes.indexOf(this))
      .filter((other) => this.meshWide || other.meshWide || other.namespace === this.namespace)
      .map((other) => netsecError(this, `it covers workloads that ${other.node.path} covers already`,
        this.namespace ?? 'mesh-wide', 'Use one MeshMtls per namespace, or a single mesh-wide one.').message);
  }

  /**
   * Namespace objects emitted in covered namespaces get the injection labels through the intent model, which
   * they read when they render; here only a contradicting label given by the user is reported.
   */
  private namespaceLabelConflicts(): string[] {
    const wanted = this.injection.namespaceLabels;
    const errors: string[] = [];
    for (const isolation of this.node.root.node.findAll()) {
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
        .map((p) => netsecError(this, `Service ${service.namespace}/${service.name} forwards to ${p}, where mTLS is DISABLEd, but its DestinationRule asks for ISTIO_MUTUAL`,
          p.toString(), 'Use MtlsMode.PERMISSIVE for the port exception.').message)));
  }
}

/** Meshed tiers and whole namespaces get ALLOW policies; tiers outside the mesh and other isolated groups do not. */
function isAuthorizable(peer: IPeer): peer is IsolatedPods {
  return (IsolatedTier.isIsolatedTier(peer) && peer.inMesh) || peer instanceof NamespaceIsolation;
}
