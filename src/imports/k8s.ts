// The Kubernetes core kinds the library emits without a CRD: a small, owned subset of the Kubernetes 1.28
// OpenAPI types (io.k8s.api.core.v1.Service, io.k8s.api.networking.v1.Ingress and NetworkPolicySpec).
//
// Only the fields the renderers write are typed. Serialization follows what `cdk8s import k8s` generates
// (and what cdk8s-plus-28's k8s module did): struct fields in schema order (alphabetical JSON names),
// undefined fields left out, maps kept in the order cdk8s gives them, IntOrString written as its value.
// That keeps the YAML byte-identical to the cdk8s-plus-28 L1 classes this module replaces, without making
// every user install a cdk8s-plus line they did not choose. Internal: not exported from the package.
/* eslint-disable max-len */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** A value that is a port number or a port name. */
export class IntOrString {
  /** A number. */
  public static fromNumber(value: number): IntOrString {
    return new IntOrString(value);
  }

  /** A string. */
  public static fromString(value: string): IntOrString {
    return new IntOrString(value);
  }

  private constructor(public readonly value: string | number) {}
}

/** io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
}

/** io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector */
export interface LabelSelector {
  readonly matchExpressions?: LabelSelectorRequirement[];
  readonly matchLabels?: { [key: string]: string };
}

/** io.k8s.api.networking.v1.IPBlock */
export interface IpBlock {
  readonly cidr: string;
  readonly except?: string[];
}

/** io.k8s.api.networking.v1.NetworkPolicyPeer */
export interface NetworkPolicyPeer {
  readonly ipBlock?: IpBlock;
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
}

/** io.k8s.api.networking.v1.NetworkPolicyPort */
export interface NetworkPolicyPort {
  readonly endPort?: number;
  readonly port?: IntOrString;
  readonly protocol?: string;
}

/** io.k8s.api.networking.v1.NetworkPolicyIngressRule */
export interface NetworkPolicyIngressRule {
  readonly from?: NetworkPolicyPeer[];
  readonly ports?: NetworkPolicyPort[];
}

/** io.k8s.api.networking.v1.NetworkPolicyEgressRule */
export interface NetworkPolicyEgressRule {
  readonly ports?: NetworkPolicyPort[];
  readonly to?: NetworkPolicyPeer[];
}

/** io.k8s.api.networking.v1.NetworkPolicySpec */
export interface NetworkPolicySpec {
  readonly egress?: NetworkPolicyEgressRule[];
  readonly ingress?: NetworkPolicyIngressRule[];
  readonly podSelector: LabelSelector;
  readonly policyTypes?: string[];
}

/** io.k8s.api.core.v1.ServicePort */
export interface ServicePort {
  readonly appProtocol?: string;
  readonly name?: string;
  readonly nodePort?: number;
  readonly port: number;
  readonly protocol?: string;
  readonly targetPort?: IntOrString;
}

/** io.k8s.api.core.v1.ServiceSpec */
export interface ServiceSpec {
  readonly externalTrafficPolicy?: string;
  readonly loadBalancerSourceRanges?: string[];
  readonly ports?: ServicePort[];
  readonly selector?: { [key: string]: string };
  readonly type?: string;
}

/** io.k8s.api.networking.v1.ServiceBackendPort */
export interface ServiceBackendPort {
  readonly name?: string;
  readonly number?: number;
}

/** io.k8s.api.networking.v1.IngressServiceBackend */
export interface IngressServiceBackend {
  readonly name: string;
  readonly port?: ServiceBackendPort;
}

/** io.k8s.api.networking.v1.IngressBackend */
export interface IngressBackend {
  readonly service?: IngressServiceBackend;
}

/** io.k8s.api.networking.v1.HTTPIngressPath */
export interface HttpIngressPath {
  readonly backend: IngressBackend;
  readonly path?: string;
  readonly pathType: string;
}

/** io.k8s.api.networking.v1.HTTPIngressRuleValue */
export interface HttpIngressRuleValue {
  readonly paths: HttpIngressPath[];
}

/** io.k8s.api.networking.v1.IngressRule */
export interface IngressRule {
  readonly host?: string;
  readonly http?: HttpIngressRuleValue;
}

/** io.k8s.api.networking.v1.IngressTLS */
export interface IngressTls {
  readonly hosts?: string[];
  readonly secretName?: string;
}

/** io.k8s.api.networking.v1.IngressSpec */
export interface IngressSpec {
  readonly defaultBackend?: IngressBackend;
  readonly ingressClassName?: string;
  readonly rules?: IngressRule[];
  readonly tls?: IngressTls[];
}

/** Props of a Service. */
export interface KubeServiceProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec?: ServiceSpec;
}

/** Props of an Ingress. */
export interface KubeIngressProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec?: IngressSpec;
}

/*
 * Serialization. A shape says how to write one value: as it is, as a map (entries in their order,
 * undefined values left out), as an IntOrString (its value), as a list of one shape, or as a struct: its
 * fields in schema order, which for every Kubernetes type is the sorted order of the JSON names. A field
 * the subset does not list (added by a JSON patch, say) is written as it is, in its sorted place.
 */
type Shape = 'value' | 'map' | 'intOrString' | { readonly list: Shape } | { readonly struct: { readonly [field: string]: Shape } };

const list = (of: Shape): Shape => ({ list: of });
const struct = (fields: { readonly [field: string]: Shape }): Shape => ({ struct: fields });

const LABEL_SELECTOR = struct({ matchExpressions: list(struct({ key: 'value', operator: 'value', values: list('value') })), matchLabels: 'map' });
const PEER = struct({ ipBlock: struct({ cidr: 'value', except: list('value') }), namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR });
const POLICY_PORT = struct({ endPort: 'value', port: 'intOrString', protocol: 'value' });
const NETWORK_POLICY_SPEC = struct({
  egress: list(struct({ ports: list(POLICY_PORT), to: list(PEER) })),
  ingress: list(struct({ from: list(PEER), ports: list(POLICY_PORT) })),
  podSelector: LABEL_SELECTOR,
  policyTypes: list('value'),
});

const OBJECT_META = struct({ annotations: 'map', labels: 'map' });
const SERVICE_PROPS = struct({
  metadata: OBJECT_META,
  spec: struct({
    externalTrafficPolicy: 'value',
    loadBalancerSourceRanges: list('value'),
    ports: list(struct({ appProtocol: 'value', name: 'value', nodePort: 'value', port: 'value', protocol: 'value', targetPort: 'intOrString' })),
    selector: 'map',
    type: 'value',
  }),
});
const SERVICE_BACKEND = struct({ service: struct({ name: 'value', port: struct({ name: 'value', number: 'value' }) }) });
const INGRESS_PROPS = struct({
  metadata: OBJECT_META,
  spec: struct({
    defaultBackend: SERVICE_BACKEND,
    ingressClassName: 'value',
    rules: list(struct({ host: 'value', http: struct({ paths: list(struct({ backend: SERVICE_BACKEND, path: 'value', pathType: 'value' })) }) })),
    tls: list(struct({ hosts: list('value'), secretName: 'value' })),
  }),
});

function write(value: any, shape: Shape): any {
  if (value === undefined) return undefined;
  if (shape === 'value') return value;
  if (shape === 'intOrString') return value.value;
  if (shape === 'map') return dropUndefined(Object.entries(value));
  if ('list' in shape) return (value as any[]).map((item) => write(item, shape.list));
  return dropUndefined(Object.keys(value).sort().map((field) => [field, write(value[field], shape.struct[field] ?? 'value')]));
}

function dropUndefined(entries: [string, unknown][]): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

/** A NetworkPolicy spec as JSON. */
export function toJson_NetworkPolicySpec(spec: NetworkPolicySpec | undefined): any {
  return write(spec, NETWORK_POLICY_SPEC);
}

/** A v1 Service. */
export class KubeService extends ApiObject {
  /** The apiVersion and kind of a Service. */
  public static readonly GVK = { apiVersion: 'v1', kind: 'Service' };

  public constructor(scope: Construct, id: string, props: KubeServiceProps = {}) {
    super(scope, id, { ...KubeService.GVK, ...props });
  }

  public toJson(): any {
    return { ...KubeService.GVK, ...write(super.toJson(), SERVICE_PROPS) };
  }
}

/** A networking.k8s.io/v1 Ingress. */
export class KubeIngress extends ApiObject {
  /** The apiVersion and kind of an Ingress. */
  public static readonly GVK = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };

  public constructor(scope: Construct, id: string, props: KubeIngressProps = {}) {
    super(scope, id, { ...KubeIngress.GVK, ...props });
  }

  public toJson(): any {
    return { ...KubeIngress.GVK, ...write(super.toJson(), INGRESS_PROPS) };
  }
}
