import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';

/*
 * Small builders for plain manifest objects used by the analyzer tests. Every NetworkPolicy built here
 * is checked against the upstream schema, so the tests exercise well-formed input unless they mean not to.
 */

/** A container port as `[name, port, protocol]`; name may be undefined. */
export type PortSpec = [string | undefined, number, string?];

export interface PodOptions {
  readonly labels?: Record<string, string>;
  readonly ip?: string;
  readonly ips?: string[];
  readonly ports?: PortSpec[];
}

export function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

export function pod(ns: string | undefined, name: string, options: PodOptions = {}): any {
  const status: any = {};
  if (options.ip) status.podIP = options.ip;
  if (options.ips) status.podIPs = options.ips.map(ip => ({ ip }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(ns ? { namespace: ns } : {}), labels: options.labels ?? {} },
    spec: { containers: [{ name: 'main', image: 'agnhost', ports: containerPorts(options.ports ?? []) }] },
    ...(options.ip || options.ips ? { status } : {}),
  };
}

export function containerPorts(ports: PortSpec[]): any[] {
  return ports.map(([name, containerPort, protocol]) => ({
    ...(name ? { name } : {}), containerPort, ...(protocol ? { protocol } : {}),
  }));
}

/** A NetworkPolicy in `ns`, validated against the networking.k8s.io/v1 schema. */
export function policy(ns: string, name: string, spec: any): any {
  const object = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
  new NetworkPolicy(object).validate();
  return object;
}

/** A NetworkPolicy object built without schema validation, for tests of invalid input. */
export function rawPolicy(ns: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}
