import type { IPv4, IPv6 } from 'ipaddr.js';
import type { ParsedCidr } from '../../core/cidr';
import { Protocol } from '../../core/port';

/*
 * What reading manifests produces: namespaces, modelled pods and policy objects. Kept apart from the
 * reader so that the policy compilers the reader calls can name these types without importing it.
 */

/** Objects without `metadata.namespace` live here. */
export const DEFAULT_NAMESPACE = 'default';

/** A container port as declared in a pod spec. */
export interface ContainerPortInfo {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One modelled pod. */
export interface ModelPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPortInfo[];
  /** Pod IPs from `status.podIP(s)`; empty when unknown (workloads, tiers). */
  readonly addresses: readonly (IPv4 | IPv6)[];
  /** Where the pod comes from, e.g. `Deployment shop/web`, for messages. */
  readonly source: string;
  /** The kind of the object the pod comes from (`Pod`, `Deployment`, ..., or `IsolatedTier`). */
  readonly kind: string;
  /** The name of the object the pod comes from, when it differs from the pod's name. */
  readonly objectName?: string;
  /** The construct that declared the pod, when it comes from a construct. */
  readonly constructPath?: string;
  /**
   * The workload the pod belongs to, as `namespace/name[Kind]`: the controller that owns a Pod
   * (`metadata.ownerReferences` with `controller: true`), the workload object itself, or the Pod.
   * @default - `namespace/name[kind]` of the pod itself
   */
  readonly workload?: string;
  /** For a workload object (a pod template): the workload of the controller that owns it, if any. */
  readonly ownedBy?: string;
  /**
   * True when the pod runs in the node's network namespace (`spec.hostNetwork`): NetworkPolicy leaves
   * such pods undefined (most CNIs do not enforce it on them) and their traffic carries the node's address,
   * so no answer about them is certain.
   * @default false
   */
  readonly hostNetwork?: boolean;
}

/** A policy object, how to name it in messages, and (once read) its compiled form. */
export interface PolicyObject {
  readonly object: any;
  readonly where: string;
  /** The policy compiled while reading, so that a bad policy is reported with its file like any other object. */
  readonly compiled?: any;
}

/** The manifests, sorted into what the analyzer evaluates and what it keeps for later. */
export interface ManifestModel {
  /** Namespace name to labels (the automatic name label included). */
  readonly namespaces: Map<string, Record<string, string>>;
  readonly pods: ModelPod[];
  readonly policies: PolicyObject[];
  /** Every object read, in input order (Lists flattened), for audits that need Services, Ingresses, ... */
  readonly objects: any[];
  /** `namespace/name` of each pod to where it comes from, to report two sources modelling the same pod. */
  readonly podSources: Map<string, string>;
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects, in input order. */
  readonly adminPolicies: PolicyObject[];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy objects, in input order. */
  readonly ciliumPolicies: PolicyObject[];
  /** What was read but left out of the model, one line each. */
  readonly warnings: string[];
  /**
   * Network policies of kinds or API groups the analyzer does not evaluate (Calico, Antrea, OVN, a
   * NetworkPolicy of another group, ...): they may allow or deny anything for the pods they may select,
   * so every answer about such a pod is uncertain.
   * @default - none
   */
  readonly unevaluatedPolicies?: UnevaluatedPolicy[];
  /**
   * The pod network: where pods without a known address have theirs (see `pod-network.ts`).
   * @default DEFAULT_POD_NETWORK
   */
  podNetwork?: ParsedCidr[];
}

/** A network policy object the analyzer reads but does not evaluate. */
export interface UnevaluatedPolicy {
  /** `Kind namespace/name (apiVersion)`. */
  readonly text: string;
  /** The namespace whose pods it may select; undefined: it may select pods of every namespace. */
  readonly namespace?: string;
  /** The object, for the audit to name. */
  readonly object: any;
}

/** The namespace of a namespaced object. */
export function namespaceOf(object: any): string {
  const ns = object?.metadata?.namespace;
  return typeof ns === 'string' && ns.length > 0 ? ns : DEFAULT_NAMESPACE;
}
