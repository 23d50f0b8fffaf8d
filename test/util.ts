/*
 * Test helpers: schema validation of every emitted object with the kubernetes-models packages, plus the
 * API server's semantic rules that a JSON schema cannot express.
 */
import { Certificate, ClusterIssuer, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import * as istioNetworking from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import * as istioSecurity from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { Chart, Testing } from 'cdk8s';
import { Deployment, StatefulSet, DaemonSet, ReplicaSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Namespace, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { hasCrdSchema, validateCustomResource } from './crd-schema';
import { cidrStrictlyContains, parseCidr, ParsedCidr } from '../src/core/cidr';
import { checkDns1123Label, checkDns1123Subdomain, checkLabelKey, checkLabelValue, checkPortName } from '../src/core/names';

type Model = new (data: any) => { validate(): void };

/*
 * Istio's v1 kinds have the same schema as v1beta1 (v1 was a promotion without field changes); the model
 * package we can load on Node 20 ships v1beta1 for these kinds, so they are validated against it.
 */
const MODELS: { [apiVersionKind: string]: Model } = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/Pod': Pod,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/ReplicaSet': ReplicaSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
  'cert-manager.io/v1/ClusterIssuer': ClusterIssuer,
  'security.istio.io/v1/PeerAuthentication': istioSecurity.PeerAuthentication,
  'security.istio.io/v1/AuthorizationPolicy': istioSecurity.AuthorizationPolicy,
  'networking.istio.io/v1/DestinationRule': istioNetworking.DestinationRule,
  'networking.istio.io/v1/Sidecar': istioNetworking.Sidecar,
  'networking.istio.io/v1/ServiceEntry': istioNetworking.ServiceEntry,
};

/** Validates one object against its schema and the semantic rules; throws with the object's identity. */
export function validateObject(obj: any): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const model = MODELS[key];
  const id = `${key} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
  // Kinds without a model package (Gateway API, ClusterNetworkPolicy, Cilium) are checked against the pinned CRD.
  if (!model && !hasCrdSchema(obj.apiVersion, obj.kind)) throw new Error(`${id}: no schema known for this kind; add it to test/util.ts`);
  const data = obj.apiVersion.endsWith('istio.io/v1') ? { ...obj, apiVersion: `${obj.apiVersion}beta1` } : obj;
  try {
    if (model) new model(data).validate();
    else validateCustomResource(obj);
    checkSemantics(obj);
  } catch (e) {
    throw new Error(`${id}: ${(e as Error).message}`);
  }
}

/** Validates every object; returns them for chaining. */
export function validateAll(objects: any[]): any[] {
  objects.forEach(validateObject);
  return objects;
}

/** Synthesizes a chart (running validations) and validates every object it emits. */
export function synthValid(chart: Chart): any[] {
  return validateAll(Testing.synth(chart));
}

/** The one object of this kind and name; fails when there is not exactly one. */
export function findObject(objects: any[], kind: string, name: string, namespace?: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name
    && (namespace === undefined || o.metadata?.namespace === namespace));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every object of one kind. */
export function objectsOfKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

function fail(what: string): never {
  throw new Error(`semantic rule: ${what}`);
}

function checkSemantics(obj: any): void {
  const meta = obj.metadata ?? {};
  if (typeof meta.name !== 'string') fail('metadata.name is missing');
  const nameProblem = ['Service', 'Namespace'].includes(obj.kind) ? checkDns1123Label(meta.name) : checkDns1123Subdomain(meta.name);
  if (nameProblem) fail(`metadata.name ${meta.name} ${nameProblem}`);
  if (meta.namespace !== undefined && checkDns1123Label(meta.namespace)) fail(`namespace ${meta.namespace} is invalid`);
  checkLabels(meta.labels ?? {});
  if (obj.kind === 'NetworkPolicy') checkNetworkPolicy(obj.spec);
}

function checkLabels(labels: { [key: string]: string }): void {
  for (const [k, v] of Object.entries(labels)) {
    if (checkLabelKey(k) || checkLabelValue(v)) fail(`label ${k}=${v} is invalid`);
  }
}

function checkSelector(selector: any): void {
  if (!selector) return;
  checkLabels(selector.matchLabels ?? {});
  for (const e of selector.matchExpressions ?? []) {
    if (checkLabelKey(e.key)) fail(`selector key ${e.key} is invalid`);
    const needsValues = e.operator === 'In' || e.operator === 'NotIn';
    if (needsValues !== ((e.values ?? []).length > 0)) fail(`selector ${e.key} ${e.operator} has wrong values`);
  }
}

function checkNetworkPolicy(spec: any): void {
  checkSelector(spec.podSelector);
  const rules = [...(spec.ingress ?? []).map((r: any) => [r, r.from]), ...(spec.egress ?? []).map((r: any) => [r, r.to])];
  for (const [rule, peers] of rules) {
    for (const port of rule.ports ?? []) {
      if (typeof port.port === 'number') {
        if (port.port < 1 || port.port > 65535) fail(`port ${port.port} out of range`);
        if (port.endPort !== undefined && port.endPort < port.port) fail(`endPort ${port.endPort} < port ${port.port}`);
      } else if (typeof port.port === 'string') {
        if (checkPortName(port.port)) fail(`port name ${port.port} is invalid`);
        if (port.endPort !== undefined) fail('endPort with a named port');
      } else if (port.endPort !== undefined) {
        fail('endPort without port');
      }
    }
    for (const peer of peers ?? []) {
      if (peer.ipBlock) {
        if (peer.podSelector || peer.namespaceSelector) fail('ipBlock combined with selectors');
        const outer = parseCidr(peer.ipBlock.cidr);
        if (typeof outer === 'string') fail(`cidr ${peer.ipBlock.cidr} ${outer}`);
        for (const e of peer.ipBlock.except ?? []) {
          const inner = parseCidr(e);
          if (typeof inner === 'string' || !cidrStrictlyContains(outer as ParsedCidr, inner)) fail(`except ${e} not inside ${peer.ipBlock.cidr}`);
        }
      } else {
        if (!peer.podSelector && !peer.namespaceSelector) fail('empty peer');
        checkSelector(peer.podSelector);
        checkSelector(peer.namespaceSelector);
      }
    }
  }
}
