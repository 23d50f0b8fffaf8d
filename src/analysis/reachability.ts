import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AuditAcceptance } from '../audit/audit-acceptance';
import { parseAddress, ParsedCidr } from '../core/cidr';
import { netsecError } from '../core/errors';
import { Port } from '../core/port';
import { AllowedFlow } from './report/allowed-flow';
import { runAudit } from '../audit/audit';
import { AuditFinding, AuditOptions } from '../audit/audit-finding';
import { ClusterIndex } from './engine/cluster';
import { evaluateClasses, evaluateMatrix } from './engine/engine';
import { explainConnection, INGRESS_CONTROLLER_LABEL, resolvePort, ResolvedEndpoint } from './engine/explain';
import { computeExposure } from './engine/exposure-analysis';
import { addressMatrix } from './engine/external-flows';
import { computeFlows } from './engine/flow-analysis';
import { inferPods } from './input/inferred-pods';
import { addPod, DEFAULT_NAMESPACE, ManifestModel, readManifests } from './input/manifests';
import { inPodNetwork, parsePodNetwork } from './input/pod-network';
import { tierPods } from './input/tiers';
import { Explanation } from './report/explanation';
import { WorkloadExposure } from './report/exposure';
import { AddressRanges, FlowsOptions } from './report/flows-options';
import { ReachabilityMatrix } from './report/matrix';
import { MatrixOptions } from './report/matrix-options';
import { renderMermaid } from './report/mermaid';
import { Verdict } from './report/verdict';

/** One end of a connection: a modelled pod (`namespace` + `pod`) or an address (`ip`). */
export interface ReachabilityEndpoint {
  /**
   * The namespace of `pod`. Ignored with `ip`.
   * @default "default"
   */
  readonly namespace?: string;
  /**
   * The name of a modelled pod: a Pod's name, a workload's name (one representative pod per workload),
   * or an `IsolatedTier`'s construct id when the model was made from a chart.
   * @default - none; give `ip` instead
   */
  readonly pod?: string;
  /**
   * An IPv4 or IPv6 address. A known pod IP (`status.podIP(s)`) stands for that pod; any other address
   * is outside the cluster, where no NetworkPolicy applies, so only the in-cluster side is judged.
   * @default - none; give `pod` instead
   */
  readonly ip?: string;
  /**
   * The ingress data plane (`{ingress-controller}`, see `FlowEndpointKind.INGRESS_CONTROLLER`) as the
   * source: only rules that admit every pod of every namespace, or Cilium's `ingress`, `cluster` and
   * `all` entities, admit it. Only valid as the client.
   * @default false
   */
  readonly ingressController?: boolean;
}

/** Options for building a `Reachability` from constructs. */
export interface ReachabilityOptions {
  /**
   * Plain manifest objects modelled together with the synthesized ones: pods the chart does not
   * contain but its policies talk to (e.g. the cluster DNS pods, with their labels, in `kube-system`),
   * Namespaces with their labels, or policies applied by others.
   * @default - only the synthesized manifests and the tiers
   */
  readonly additionalManifests?: any[];
  /**
   * Models one representative pod for each distinct podSelector of a NetworkPolicy that selects no
   * modelled pod, named after the policy, with labels the selector selects. Use it for YAML that holds
   * policies for pods deployed elsewhere, such as the synthesized output of `IsolatedTier`s: without
   * it, such a model has no pods and allows no flows between pods. Empty selectors get no pod.
   * @default false
   */
  readonly inferPods?: boolean;
  /**
   * Where each manifest comes from (same index as the manifests), e.g. `dist/app.k8s.yaml, document 2`:
   * problems are reported with it. The command line passes the files and documents it read.
   * @default - problems name the object and its position in the array
   */
  readonly sourceNames?: string[];
  /**
   * Stop at the first object that cannot be read. By default every object is read and all problems are
   * reported together in one error, one line each.
   * @default false
   */
  readonly failFast?: boolean;
  /**
   * The cluster's pod network, as CIDRs: where pods whose IP the manifests do not give (workloads, tiers,
   * inferred pods) have their addresses. An address rule (ipBlock, Cilium CIDR, ClusterNetworkPolicy
   * `networks`) that covers all of it matches such a pod, one that misses it does not, and one that covers
   * part of it makes the answer depend on the pod's address: `verdict()` and `explain()` then say the
   * answer is not certain. Pods with `status.podIP(s)` are judged by those addresses.
   * @default ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"] - every private IPv4
   * range installers take pod addresses from, so that no answer is certain only by guessing the range
   */
  readonly podNetwork?: string[];
}

/**
 * Answers which connections a set of Kubernetes manifests allows, exactly as a conformant CNI enforces
 * NetworkPolicy (networking.k8s.io/v1), with the cluster-wide tiers of network-policy-api
 * (AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2) around it
 * and Cilium policies (cilium.io/v2) next to it.
 *
 * The model is built from manifests only, so it judges the output independently of how it was made:
 * Namespaces (each gets the automatic `kubernetes.io/metadata.name` label, also when only implied by an
 * object's namespace), Pods, workloads with a pod template (modelled as one pod named after the
 * workload, unless Pods of it are given), and the policies. A pod connects to a pod when the source's
 * egress side and the destination's ingress side both allow it. Each side: the Admin tier decides first
 * (policies by priority, rules in order, the first match decides; Pass hands over); then, when a
 * NetworkPolicy or Cilium policy with that direction selects the pod, only the union of their rules gets
 * through; else the Baseline tier decides the same way; else the side allows. A pod may always connect to
 * itself. What is read but not evaluated is listed in `notAnalysed`.
 *
 * @example
 * const r = Reachability.fromChart(chart);
 * r.isAllowed({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090));
 * console.log(r.explain({ namespace: 'shop', pod: 'web' }, { ip: '203.0.113.7' }, Port.tcp(443)).text);
 */
export class Reachability {
  /**
   * Models plain manifest objects (e.g. the documents of a YAML file, or `chart.toJson()`).
   *
   * Objects of other kinds are kept for audits (`objectsOfKind`). Throws, naming the object, the value
   * and the fix, on a NetworkPolicy the API server would reject (bad CIDR, selector operator, port).
   *
   * @param options `inferPods` to model the pods of policies whose workloads are not in the manifests
   */
  public static fromManifests(manifests: any[], options: ReachabilityOptions = {}): Reachability {
    checkOptions(options, 'fromManifests', ['additionalManifests', 'inferPods', 'sourceNames', 'failFast', 'podNetwork']);
    const names = options.sourceNames;
    if (names !== undefined && (!Array.isArray(names) || !Array.isArray(manifests) || names.length !== manifests.length
      || names.some(n => typeof n !== 'string'))) {
      throw netsecError('Reachability.fromManifests', 'sourceNames is not one name per manifest', names,
        `Pass an array of strings as long as the manifests (${Array.isArray(manifests) ? manifests.length : 0}), e.g. "dist/app.yaml, document 2".`);
    }
    const all = Array.isArray(manifests) && options.additionalManifests ? [...manifests, ...options.additionalManifests] : manifests;
    const model = readManifests(all, { origins: options.sourceNames, failFast: options.failFast });
    model.podNetwork = podNetworkOf(options, 'fromManifests');
    if (options.inferPods) inferPods(model);
    return new Reachability(model);
  }

  /**
   * Models a chart: its manifests (`chart.toJson()`), plus every `IsolatedTier` in it as one
   * representative pod named after the tier's construct id, with the tier's namespace, pod labels and
   * numeric ports.
   */
  public static fromChart(chart: Chart, options: ReachabilityOptions = {}): Reachability {
    return Reachability.fromScopes([...chart.toJson(), ...options.additionalManifests ?? []], chart, options);
  }

  /** Models every chart of an app, like `fromChart` for all of them together. */
  public static fromApp(app: App, options: ReachabilityOptions = {}): Reachability {
    return Reachability.fromScopes([...app.charts.flatMap(chart => chart.toJson()), ...options.additionalManifests ?? []], app, options);
  }

  private static fromScopes(manifests: any[], root: IConstruct, options: ReachabilityOptions): Reachability {
    checkOptions(options, 'fromChart', ['additionalManifests', 'inferPods', 'sourceNames', 'failFast', 'podNetwork']);
    const model = readManifests(manifests);
    model.podNetwork = podNetworkOf(options, 'fromChart');
    for (const pod of tierPods(root)) addPod(model, pod);
    if (options.inferPods) inferPods(model);
    return new Reachability(model, root);
  }

  /** Every modelled pod, as `namespace/pod`, sorted by namespace then name. */
  public readonly pods: string[];
  /** Every namespace, declared or implied, sorted. */
  public readonly namespaces: string[];

  private readonly index: ClusterIndex;
  private readonly model: ManifestModel;
  private readonly addresses = new Map<string, number>();
  private readonly root?: IConstruct;
  private constructPaths?: Map<string, string>;
  private constructsByPath?: Map<string, IConstruct>;

  private constructor(model: ManifestModel, root?: IConstruct) {
    this.model = model;
    this.root = root;
    this.index = new ClusterIndex(model);
    this.pods = [...this.index.podIds];
    this.namespaces = [...this.index.namespaces];
    this.index.pods.forEach((pod, i) => pod.addresses.forEach(a => this.addresses.set(a.toNormalizedString(), i)));
  }

  /**
   * True when `client` may open a connection to `server` on `port`.
   *
   * @param port a single numeric port (`Port.tcp(443)`), or a named port (`Port.named('http')`) that
   * resolves against the destination pod's container ports; a name the destination does not declare
   * means no connection is possible.
   */
  public isAllowed(client: ReachabilityEndpoint, server: ReachabilityEndpoint, port: Port): boolean {
    return this.explain(client, server, port).allowed;
  }

  /**
   * The answer of `isAllowed` with how sure it is: `certain` is false, and `caveats` says why, when the
   * answer depends on a pod address the analyzer does not know or on a policy part it does not evaluate.
   * @param port a single numeric or named port, as for `isAllowed`
   */
  public verdict(client: ReachabilityEndpoint, server: ReachabilityEndpoint, port: Port): Verdict {
    const { allowed, certain, caveats } = this.explain(client, server, port);
    return { allowed, certain, caveats: [...caveats] };
  }

  /** The pod network the model assumes for pods without a known address, as CIDRs. */
  public get podNetwork(): string[] {
    return this.index.podNetwork.map(c => c.text);
  }

  /** Says whether a connection is allowed and which policies and rules decide each side. */
  public explain(client: ReachabilityEndpoint, server: ReachabilityEndpoint, port: Port): Explanation {
    checkQueryPort(port, 'explain');
    const source = this.resolve(client, 'from');
    const destination = this.resolve(server, 'to');
    if (destination.kind === 'ingressController') {
      throw netsecError('Reachability (to)', 'names the ingress data plane as a destination', server,
        'The ingress data plane is a source only; ask from { ingressController: true } to a pod.');
    }
    if (source.kind !== 'pod' && destination.kind !== 'pod') {
      throw netsecError('Reachability', 'both ends of the connection are outside the cluster', `${source.label} -> ${destination.label}`,
        'NetworkPolicy only governs traffic of pods; name a modelled pod as one end ({ namespace, pod }).');
    }
    const explanation = explainConnection(this.index, source, destination, port);
    // A pod stands for an address only by the status the manifests give it, which nothing applies: one
    // outside the pod network may as well be a node's or an outside address, judged as such.
    const caveats: string[] = [];
    for (const [given, resolved, role] of [[client, source, 'source'], [server, destination, 'destination']] as const) {
      if (given.ip === undefined || resolved.kind !== 'pod') continue;
      const address = parseAddress(given.ip)!;
      if (inPodNetwork(address, this.index.podNetwork)) continue;
      const other = role === 'source' ? destination : source;
      if (other.kind !== 'pod') continue;
      const asAddress: ResolvedEndpoint = { kind: 'address', address, label: address.toString() };
      const alternative = role === 'source'
        ? explainConnection(this.index, asAddress, destination, port)
        : explainConnection(this.index, source, asAddress, port);
      if (alternative.allowed !== explanation.allowed) {
        caveats.push(`${address.toString()} is ${resolved.label}'s address only by its status in the manifests, and lies outside the pod network `
          + `(${this.podNetwork.join(', ')}); as an address outside the cluster, the connection would be ${alternative.allowed ? 'allowed' : 'denied'}`);
      }
    }
    if (caveats.length === 0) return explanation;
    const all = [...new Set([...explanation.caveats, ...caveats])].sort();
    const [heading, ...rest] = explanation.text.split('\n');
    return {
      ...explanation,
      certain: false,
      caveats: all,
      text: [heading.endsWith(' (uncertain)') ? heading : `${heading} (uncertain)`, ...rest.filter(l => !l.startsWith('  uncertain: ')),
        ...all.map(c => `  uncertain: ${c}`)].join('\n'),
    };
  }

  /**
   * Judges every ordered pair of modelled pods on one port.
   * @param port a single numeric port, or a named port resolved against each destination pod
   * @param options `includeAddresses` adds rows and columns for IPv4 ranges outside the cluster
   */
  public matrix(port: Port, options: MatrixOptions = {}): ReachabilityMatrix {
    checkQueryPort(port, 'matrix');
    checkOptions(options, 'matrix', ['includeAddresses']);
    const n = this.index.pods.length;
    const destinationPorts = new Int32Array(n);
    if (port.isNamed) {
      this.index.pods.forEach((pod, i) => destinationPorts[i] = resolvePort(port, pod) ?? -1);
    } else {
      destinationPorts.fill(port.startPort!);
    }
    const uniformPort = port.isNamed ? undefined : port.startPort;
    const query = { protocol: port.protocol, destinationPorts, uniformPort };
    // Kept per class of interchangeable pods: n*n bytes would be 400 MB at 20,000 pods.
    if (!options.includeAddresses) return ReachabilityMatrix._fromStore(this.pods, port, evaluateClasses(this.index, query));
    const cells = evaluateMatrix(this.index, query);
    const addresses = addressMatrix(this.index, port.protocol, destinationPorts, uniformPort);
    const m = addresses.ranges.length;
    const size = n + m;
    const all = new Uint8Array(size * size);
    for (let from = 0; from < n; from++) all.set(cells.subarray(from * n, from * n + n), from * size);
    for (let r = 0; r < m; r++) {
      for (let i = 0; i < n; i++) {
        all[(n + r) * size + i] = addresses.inbound[r][i];
        all[i * size + n + r] = addresses.outbound[r][i];
      }
      // Between two addresses outside the cluster nothing is judged.
      for (let q = 0; q < m; q++) all[(n + r) * size + n + q] = 2;
    }
    return ReachabilityMatrix._fromCells([...this.pods, ...addresses.ranges], port, all, addresses.ranges);
  }

  /**
   * Every allowed connection between two distinct modelled pods with all the ports it is allowed on,
   * sorted by source then destination. Traffic of a pod to itself is always allowed and not listed.
   *
   * @param options `includeExternal` adds connections with address ranges outside the cluster, Cilium
   * FQDN names and the ingress data plane; `byWorkload` lists workloads instead of pods
   */
  public flows(options: FlowsOptions = {}): AllowedFlow[] {
    checkOptions(options, 'flows', ['includeExternal', 'addressRanges', 'byWorkload']);
    if (options.addressRanges !== undefined && !Object.values(AddressRanges).includes(options.addressRanges)) {
      throw netsecError('Reachability.flows', 'addressRanges is not an AddressRanges value', options.addressRanges,
        `Use AddressRanges.MAXIMAL or AddressRanges.POLICY_BLOCKS (${Object.values(AddressRanges).join(', ')}).`);
    }
    return computeFlows(this.index, this.model.objects, options);
  }

  /**
   * Policy parts the analyzer read but does not evaluate, one line each (`<policy>: <field>: <why>`),
   * sorted: e.g. AdminNetworkPolicy `nodes` peers, Cilium deny rules, host policies, L7 rules, unknown
   * fields. They never silently allow or deny everything: a peer the analyzer does not know admits
   * nothing through its rule (a ClusterNetworkPolicy peer without a known field fails closed, as the API
   * asks). Empty when everything was evaluated.
   */
  public get notAnalysed(): string[] {
    return [...this.index.notAnalysed];
  }

  /** A Mermaid `flowchart LR` of `flows()`: pods grouped per namespace, edges labelled with ports. */
  public toMermaid(): string {
    return renderMermaid(this.pods, this.flows());
  }

  /**
   * Checks the manifests against the audit catalogue (`AuditRules.all()`): missing default deny,
   * unselected pods, egress to any address, the metadata endpoint, exposed Services, Ingress without TLS,
   * mTLS not strict, ingress ports no Service exposes, CIDRs with host bits, one-sided flows, Gateway API
   * listeners and routes, and ClusterNetworkPolicy guardrails.
   *
   * Findings an object accepts on purpose (annotations `netsec.cdk8s.io/audit-accept` and
   * `netsec.cdk8s.io/audit-accept-reason`, written by `AuditAcceptance.accept`) are returned with
   * `suppressed: true` and the reason; `NetsecAudit`, the plugin and the CLI never fail on them.
   *
   * @returns the findings, most severe first, then by rule identifier and resource
   */
  public audit(options: AuditOptions = {}): AuditFinding[] {
    return runAudit(this.model, this.index, options, (kind, namespace, name) => this.constructPathOf(kind, namespace, name),
      path => this.acceptanceAt(path));
  }

  /**
   * What can reach each modelled pod: the outside address ranges (maximal ranges sharing one set of
   * ports), a pod of any namespace the manifests do not know, a new pod of its own namespace, and the
   * Services (LoadBalancer, NodePort), Ingresses and Gateway API HTTPRoutes that lead to it, with the
   * sources its policies admit on those paths. See `WorkloadExposure` for the exact definitions.
   *
   * @returns one entry per modelled pod, sorted by namespace then name
   */
  public exposure(): WorkloadExposure[] {
    return computeExposure(this.model, this.index);
  }

  /**
   * The input objects of one kind (e.g. `Service`, `Ingress`, `PeerAuthentication`), as given.
   * @param kind the object's `kind`, case-sensitive
   */
  public objectsOfKind(kind: string): any[] {
    return this.model.objects.filter(o => o.kind === kind);
  }

  /** What `AuditAcceptance.accept` recorded at a construct path and above it (chart models only). */
  private acceptanceAt(path: string): ReturnType<typeof AuditAcceptance._acceptedAt> {
    if (this.root === undefined) return undefined;
    this.constructsByPath ??= new Map(this.root.node.findAll().map(c => [c.node.path, c]));
    const construct = this.constructsByPath.get(path);
    return construct === undefined ? undefined : AuditAcceptance._acceptedAt(construct);
  }

  /** The construct path of an emitted object, found by rendering each ApiObject under the root once. */
  private constructPathOf(kind: string, namespace: string | undefined, name: string): string | undefined {
    if (this.root === undefined) return undefined;
    if (this.constructPaths === undefined) {
      this.constructPaths = new Map();
      for (const construct of this.root.node.findAll()) {
        if (!ApiObject.isApiObject(construct)) continue;
        const json = construct.toJson();
        this.constructPaths.set(objectKey(json?.kind, json?.metadata?.namespace, json?.metadata?.name), construct.node.path);
      }
    }
    return this.constructPaths.get(objectKey(kind, namespace, name));
  }

  private resolve(endpoint: ReachabilityEndpoint, role: string): ResolvedEndpoint {
    const where = `Reachability (${role})`;
    if (endpoint === null || typeof endpoint !== 'object') {
      throw netsecError(where, 'is not an endpoint', endpoint, 'Pass { namespace, pod } or { ip }.');
    }
    const given = [endpoint.pod !== undefined, endpoint.ip !== undefined, endpoint.ingressController !== undefined].filter(Boolean).length;
    if (given > 1) {
      throw netsecError(where, 'names more than one of pod, ip and ingressController', endpoint, 'Give one of { namespace, pod }, { ip } or { ingressController: true }.');
    }
    if (endpoint.ingressController !== undefined) {
      if (endpoint.ingressController !== true) {
        throw netsecError(where, 'ingressController is not true', endpoint.ingressController, 'Write { ingressController: true }, or name a pod or an ip instead.');
      }
      return { kind: 'ingressController', label: INGRESS_CONTROLLER_LABEL };
    }
    if (endpoint.ip !== undefined) {
      const address = parseAddress(endpoint.ip);
      if (!address) throw netsecError(where, 'ip is not an IP address', endpoint.ip, 'Write an address such as "10.0.0.1" or "2001:db8::1".');
      const position = this.addresses.get(address.toNormalizedString());
      if (position !== undefined) return this.podEndpoint(position);
      return { kind: 'address', address, label: address.toString() };
    }
    if (endpoint.pod === undefined) {
      throw netsecError(where, 'names neither a pod nor an ip', endpoint, 'Give either { namespace, pod } or { ip }.');
    }
    const namespace = endpoint.namespace ?? DEFAULT_NAMESPACE;
    const position = this.index.positionOf(namespace, endpoint.pod);
    if (position === undefined) {
      const known = this.pods.filter(p => p.startsWith(`${namespace}/`)).map(p => p.slice(namespace.length + 1));
      const fix = known.length > 0
        ? `Pods modelled in namespace "${namespace}": ${known.join(', ')}.`
        : `No pods are modelled in namespace "${namespace}"; namespaces with pods: ${[...new Set(this.index.pods.map(p => p.namespace))].join(', ') || '(none)'}.`;
      throw netsecError(where, 'names a pod that is not modelled', `${namespace}/${endpoint.pod}`, fix);
    }
    return this.podEndpoint(position);
  }

  private podEndpoint(position: number): ResolvedEndpoint {
    return { kind: 'pod', position, pod: this.index.pods[position], label: this.pods[position] };
  }
}

function objectKey(kind: unknown, namespace: unknown, name: unknown): string {
  return `${kind}|${kind === 'Namespace' ? '' : namespace ?? DEFAULT_NAMESPACE}|${name}`;
}

/** Options must be an object of known keys: a typo or a boolean in their place would silently change nothing. */
function checkOptions(options: unknown, method: string, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw netsecError(`Reachability.${method}`, 'options is not an object', options, `Pass { ${known.join(', ')} } or nothing.`);
  }
  const unknown = Object.keys(options).filter(k => !known.includes(k));
  if (unknown.length > 0) {
    throw netsecError(`Reachability.${method}`, 'options has unknown keys', unknown, `Known options: ${known.join(', ')}.`);
  }
}

function podNetworkOf(options: ReachabilityOptions, method: string): ParsedCidr[] | undefined {
  return options.podNetwork === undefined ? undefined : parsePodNetwork(`Reachability.${method}`, options.podNetwork);
}

function checkQueryPort(port: Port, method: string): void {
  if (typeof port?.protocol !== 'string' || port.isAllPorts || port.endPort !== undefined) {
    throw netsecError(`Reachability.${method}`, 'needs one destination port', port?.toString?.() ?? port,
      'Ask about a single port, e.g. Port.tcp(443) or Port.named("http"); use flows() to see every allowed port.');
  }
}
