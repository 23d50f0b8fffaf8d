import type { IPv4, IPv6 } from 'ipaddr.js';
import { locatedError, throwProblems } from './input-problems';
import { ContainerPortInfo, ManifestModel, ModelPod, namespaceOf } from './manifest-model';
import { collapseWorkloads, ownerReference, ownerWorkload } from './workloads';
import { parseAddress } from '../../core/cidr';
import { netsecError } from '../../core/errors';
import { NAMESPACE_NAME_LABEL } from '../../core/peer';
import { Protocol } from '../../core/port';
import { compileAdminPolicy } from '../policies/admin-policy-model';
import { compileCiliumPolicies } from '../policies/cilium-policy-model';
import { compilePolicy } from '../policies/policy-model';

// The model's types live in their own module (the policy compilers read them); re-exported for callers.
export { DEFAULT_NAMESPACE, namespaceOf } from './manifest-model';
export type { ContainerPortInfo, ManifestModel, ModelPod, PolicyObject, UnevaluatedPolicy } from './manifest-model';
export { NAMESPACE_NAME_LABEL } from '../../core/peer';

/*
 * Reads plain manifest objects into what NetworkPolicy evaluation needs: namespaces with their labels,
 * pods (one per Pod, one representative per workload) with labels, container ports and known IPs, and
 * the NetworkPolicy objects. Everything else is kept untouched for later audits.
 */

/** How `readManifests` names and reports its input. */
export interface ReadOptions {
  /** Per input object (same index), where it comes from, e.g. `dist/app.k8s.yaml#2`. */
  readonly origins?: readonly (string | undefined)[];
  /** Stop at the first problem instead of reporting them all at once. */
  readonly failFast?: boolean;
}

/** The cluster-wide policy kinds of network-policy-api (v1alpha1 and v1alpha2). */
const ADMIN_KINDS = new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);

/** The Cilium policy kinds the analyzer reads. */
const CILIUM_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** Workload kinds with a pod template, and their API group. */
const TEMPLATE_KINDS = new Map<string, string>([
  ['Deployment', 'apps'], ['StatefulSet', 'apps'], ['DaemonSet', 'apps'], ['ReplicaSet', 'apps'],
  ['ReplicationController', ''], ['Job', 'batch'], ['CronJob', 'batch'],
]);

/**
 * Sorts manifest objects into a model. Every object is read even after a problem, and all problems are
 * reported in one error (one line each, naming the object and, when known, its file and document), unless
 * `failFast` asks to stop at the first.
 */
export function readManifests(objects: any[], options: ReadOptions = {}): ManifestModel {
  if (!Array.isArray(objects)) {
    throw netsecError('Reachability.fromManifests', 'expects a list of manifest objects', typeof objects,
      'Pass an array of plain objects, e.g. chart.toJson() or the documents of a parsed YAML file.');
  }
  const model: ManifestModel = {
    namespaces: new Map(),
    pods: [],
    policies: [],
    objects: [],
    podSources: new Map(),
    adminPolicies: [],
    ciliumPolicies: [],
    warnings: [],
    unevaluatedPolicies: [],
  };
  const problems: Error[] = [];
  const identities = new Map<string, [number, string | undefined]>();
  // Where an object comes from is spelled out only when a message needs it: a model of thousands of
  // objects should not build thousands of strings it never prints.
  const locate = (position: number, item: string | undefined) =>
    `${options.origins?.[position] ?? `Reachability.fromManifests[${position}]`}${item ? ` ${item}` : ''}`;
  const read = (object: any, position: number, item: string | undefined) => {
    // Empty YAML documents (a trailing `---`) parse to null: nothing to read.
    if (object === null || object === undefined) return;
    try {
      checkIdentity(identities, object, position, item, locate);
      readObject(model, object);
      model.objects.push(object);
    } catch (error: unknown) {
      // Objects given in code are named by the error itself; objects read from files also by their file.
      const origin = options.origins?.[position];
      const located = locatedError(error, origin === undefined && item === undefined ? undefined : locate(position, item));
      if (options.failFast) throw located;
      problems.push(located);
    }
  };
  objects.forEach((top, position) => {
    if (isList(top)) {
      for (const { object, at } of flatten(top, '')) read(object, position, at.trimStart());
    } else {
      read(top, position, undefined);
    }
  });
  throwProblems('Reachability.fromManifests', problems, 'every other object was read');
  collapseWorkloads(model);
  return model;
}

/** Kinds the API server keeps without a namespace; objects of other kinds are namespaced. */
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy',
  'CiliumClusterwideNetworkPolicy', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume',
  'StorageClass', 'IngressClass', 'GatewayClass', 'ClusterIssuer', 'PriorityClass']);

/** The group of the kinds the analyzer reads, for objects written without apiVersion. */
const USUAL_GROUP = new Map<string, string>([
  ['Namespace', ''], ['Pod', ''], ['Service', ''], ['NetworkPolicy', 'networking.k8s.io'], ['Ingress', 'networking.k8s.io'],
  ['Deployment', 'apps'], ['StatefulSet', 'apps'], ['DaemonSet', 'apps'], ['ReplicaSet', 'apps'], ['ReplicationController', ''],
  ['Job', 'batch'], ['CronJob', 'batch'],
]);

/** Refuses a second object with the same API group, kind, namespace and name, as the API server would. */
function checkIdentity(identities: Map<string, [number, string | undefined]>, object: any, position: number, item: string | undefined,
  locate: (position: number, item: string | undefined) => string): void {
  if (object === null || typeof object !== 'object' || typeof object.kind !== 'string') return;
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) return;
  const scoped = !CLUSTER_SCOPED.has(object.kind);
  // Without an apiVersion, a kind the analyzer reads is taken to be of its usual group, so that a
  // Namespace with and one without apiVersion still clash.
  const group = groupOf(object.apiVersion) ?? USUAL_GROUP.get(object.kind) ?? '*';
  const key = `${group}|${object.kind}|${scoped ? namespaceOf(object) : ''}|${name}`;
  const first = identities.get(key);
  if (first !== undefined) {
    throw netsecError(describeObject(object), `is defined twice (first at ${locate(first[0], first[1])}); the API server keeps one object per kind, namespace and name`,
      scoped ? `${namespaceOf(object)}/${name}` : name, 'Remove one of the two, or merge their labels and rules into one object.');
  }
  identities.set(key, [position, item]);
}

/** Adds a pod to the model, implying its namespace; two pods with the same namespace and name are an error. */
export function addPod(model: ManifestModel, pod: ModelPod): void {
  const id = `${pod.namespace}/${pod.name}`;
  const previous = model.podSources.get(id);
  if (previous !== undefined) {
    throw netsecError(pod.source, `models the same pod as ${previous}`, id,
      'Give each Pod, workload and tier a distinct name within its namespace.');
  }
  model.podSources.set(id, pod.source);
  ensureNamespace(model, pod.namespace);
  model.pods.push(pod);
}

/** Makes sure a namespace exists in the model, with its automatic name label. */
export function ensureNamespace(model: ManifestModel, name: string, labels?: Record<string, string>): void {
  const current = model.namespaces.get(name) ?? {};
  model.namespaces.set(name, { ...current, ...labels ?? {}, [NAMESPACE_NAME_LABEL]: name });
}

/** Names an object for messages: `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function describeObject(object: any): string {
  const kind = typeof object?.kind === 'string' ? object.kind : 'object';
  const name = typeof object?.metadata?.name === 'string' ? object.metadata.name : '<unnamed>';
  if (CLUSTER_SCOPED.has(kind)) return `${kind} ${name}`;
  return `${kind} ${namespaceOf(object)}/${name}`;
}

/**
 * The objects inside an input object: itself, or the items of a `List` / typed list (`PodList`, ...), whose
 * items may carry no kind and apiVersion, as the API server returns them (`kubectl get pods -o json`).
 */
function isList(object: any): boolean {
  return object !== null && typeof object === 'object' && !Array.isArray(object) && typeof object.kind === 'string'
    && object.kind.endsWith('List') && Array.isArray(object.items);
}

function* flatten(object: any, at: string): Generator<{ object: any; at: string }> {
  if (!isList(object)) {
    yield { object, at };
    return;
  }
  const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length);
  for (let i = 0; i < object.items.length; i++) {
    const item = object.items[i];
    const typed = itemKind !== undefined && item && typeof item === 'object' && !Array.isArray(item) && item.kind === undefined
      ? { apiVersion: object.apiVersion, kind: itemKind, ...item }
      : item;
    yield* flatten(typed, `${at} items[${i}]`);
  }
}

function readObject(model: ManifestModel, object: any): void {
  if (object === null || typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string') {
    throw netsecError('Reachability.fromManifests', 'got something that is not a Kubernetes object', object,
      'Pass only objects with apiVersion, kind and metadata.');
  }
  const where = describeObject(object);
  const group = groupOf(object.apiVersion);
  const inGroup = (expected: string) => group === undefined || group === expected;
  const kind: string = object.kind;
  if (kind === 'Namespace' && inGroup('')) {
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name.length === 0) {
      throw netsecError(where, 'has no metadata.name', object.metadata, 'Name every Namespace.');
    }
    ensureNamespace(model, name, readLabels(object.metadata?.labels, where, 'metadata.labels'));
    return;
  }
  // networking.k8s.io/v1 is the only version the API server serves; an object of another version is not
  // applied as written, so it is not modelled as one (it is reported with the policies not evaluated).
  if (kind === 'NetworkPolicy' && (object.apiVersion === undefined || object.apiVersion === 'networking.k8s.io/v1')) {
    const compiled = compilePolicy({ object, where });
    ensureNamespace(model, namespaceOf(object));
    model.policies.push({ object, where, compiled });
    return;
  }
  if (ADMIN_KINDS.has(kind) && group === 'policy.networking.k8s.io') {
    model.adminPolicies.push({ object, where, compiled: compileAdminPolicy({ object, where }) });
    return;
  }
  if (CILIUM_KINDS.has(kind) && group === 'cilium.io') {
    const compiled = compileCiliumPolicies([{ object, where }]);
    if (kind === 'CiliumNetworkPolicy') ensureNamespace(model, namespaceOf(object));
    model.ciliumPolicies.push({ object, where, compiled });
    return;
  }
  if (kind === 'Pod' && inGroup('')) {
    addPod(model, podFrom(object, object.metadata?.labels, object.spec, where, true, model.warnings));
    return;
  }
  const templateGroup = TEMPLATE_KINDS.get(kind);
  if (templateGroup !== undefined && inGroup(templateGroup)) {
    const template = kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
    if (!template || typeof template !== 'object') {
      throw netsecError(where, `has no pod template (${kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template'})`,
        undefined, 'Give the workload a pod template with labels and containers.');
    }
    addPod(model, podFrom(object, template.metadata?.labels, template.spec, where, false, model.warnings));
    return;
  }
  if (object.metadata?.namespace) ensureNamespace(model, namespaceOf(object));
  if (isNetworkPolicyKind(kind)) noteUnevaluatedPolicy(model, object, where);
}

/**
 * Kinds that decide which connections a CNI lets through, besides those read above: every kind named
 * `...NetworkPolicy` of any API group (Calico NetworkPolicy / GlobalNetworkPolicy / Staged..., Antrea
 * NetworkPolicy / ClusterNetworkPolicy, MultiNetworkPolicy, GKE FQDNNetworkPolicy, OpenShift
 * EgressNetworkPolicy, a NetworkPolicy or Cilium policy of a group or version the analyzer does not
 * read), and OVN-Kubernetes EgressFirewall.
 */
function isNetworkPolicyKind(kind: string): boolean {
  return /NetworkPolicy$/.test(kind) || OTHER_POLICY_KINDS.has(kind);
}

const OTHER_POLICY_KINDS = new Set(['EgressFirewall']);

/** Records a policy object the analyzer does not evaluate: answers about pods it may select become uncertain. */
function noteUnevaluatedPolicy(model: ManifestModel, object: any, where: string): void {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'no apiVersion';
  // A namespaced object names its namespace; one without may be cluster-wide (Calico GlobalNetworkPolicy).
  const namespace = typeof object.metadata?.namespace === 'string' && object.metadata.namespace.length > 0 ? object.metadata.namespace : undefined;
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '<unnamed>';
  const text = namespace === undefined ? `${object.kind} ${name} (${apiVersion})` : `${where} (${apiVersion})`;
  model.unevaluatedPolicies?.push({ text, namespace, object });
  model.warnings.push(`${text}: a network policy the analyzer does not evaluate; answers about the pods it may select `
    + `(${namespace === undefined ? 'any namespace' : `namespace ${namespace}`}) are uncertain`);
}

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``); a missing apiVersion matches any. */
function groupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function podFrom(object: any, rawLabels: unknown, spec: any, where: string, isPod: boolean, warnings?: string[]): ModelPod {
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw netsecError(where, 'has no metadata.name', object.metadata, 'Name every Pod and workload.');
  }
  const labelsField = isPod ? 'metadata.labels' : 'pod template metadata.labels';
  return {
    namespace: namespaceOf(object),
    name,
    labels: readLabels(rawLabels, where, labelsField),
    ports: readContainerPorts(spec, where, warnings),
    addresses: isPod ? readPodIps(object.status, where) : [],
    source: where,
    kind: object.kind,
    workload: isPod ? ownerWorkload(object, name) : `${namespaceOf(object)}/${name}[${object.kind}]`,
    ...(isPod ? {} : ownerReference(object)),
    ...(readHostNetwork(spec, where, warnings) ? { hostNetwork: true } : {}),
  };
}

/** `spec.hostNetwork`, which the API server takes only as a boolean; a pod on the node's network is reported. */
function readHostNetwork(spec: any, where: string, warnings?: string[]): boolean {
  const value = spec?.hostNetwork;
  if (value === undefined || value === null || value === false) return false;
  if (value !== true) {
    throw netsecError(where, 'spec.hostNetwork is not a boolean', value, 'Write hostNetwork: true or false, unquoted.');
  }
  warnings?.push(`${where}: runs with hostNetwork; NetworkPolicy does not reliably apply to it and its traffic carries the node's address, `
    + 'so answers about it are uncertain');
  return true;
}

function readLabels(raw: unknown, where: string, field: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw netsecError(where, `${field} is not a map of labels`, raw, 'Write labels as { key: "value" }.');
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      throw netsecError(where, `${field}["${key}"] is not a string`, value, 'Quote label values in YAML, e.g. version: "2".');
    }
    labels[key] = value;
  }
  return labels;
}

function readContainerPorts(spec: any, where: string, warnings?: string[]): ContainerPortInfo[] {
  const ports: ContainerPortInfo[] = [];
  const containers = Array.isArray(spec?.containers) ? spec.containers : [];
  containers.forEach((container: any, c: number) => {
    const declared = Array.isArray(container?.ports) ? container.ports : [];
    declared.forEach((port: any, p: number) => {
      const field = `containers[${c}].ports[${p}]`;
      const number = port?.containerPort;
      if ((number === undefined || number === null) && port && typeof port === 'object') {
        // The API server would refuse this; peers read it as a port without a number. Nothing can reach
        // it by number or name, so leave it out and say so.
        warnings?.push(`${where}: ${field} has no containerPort (fields: ${Object.keys(port).join(', ')}); the port is left out`);
        return;
      }
      if (!Number.isInteger(number) || number < 1 || number > 65535) {
        throw netsecError(where, `${field}.containerPort is not a port number`, number, 'Use an integer from 1 to 65535.');
      }
      const protocol = port.protocol ?? Protocol.TCP;
      if (!Object.values(Protocol).includes(protocol)) {
        throw netsecError(where, `${field}.protocol is not TCP, UDP or SCTP`, protocol, 'Use TCP, UDP or SCTP (upper case).');
      }
      ports.push({ name: typeof port.name === 'string' ? port.name : undefined, port: number, protocol });
    });
  });
  return ports;
}

function readPodIps(status: any, where: string): (IPv4 | IPv6)[] {
  const texts = new Set<string>();
  if (typeof status?.podIP === 'string' && status.podIP.length > 0) texts.add(status.podIP);
  if (Array.isArray(status?.podIPs)) {
    for (const entry of status.podIPs) {
      if (typeof entry?.ip === 'string' && entry.ip.length > 0) texts.add(entry.ip);
    }
  }
  return [...texts].map(text => {
    const address = parseAddress(text);
    if (!address) {
      throw netsecError(where, 'has a status pod IP that is not an IP address', text, 'Remove the status or fix the address.');
    }
    return address;
  });
}
