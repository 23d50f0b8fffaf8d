import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';

/** An Ingress as recorded by SecureIngress: one TLS entry for all hosts, every path of every host to one Service port. */
export interface IngressRecord {
  readonly name: string;
  readonly namespace: string;
  readonly ingressClassName: string;
  readonly annotations: { [key: string]: string };
  readonly hosts: string[];
  readonly paths: string[];
  readonly pathType: string;
  readonly tlsSecretName: string;
  readonly serviceName: string;
  readonly servicePort: number;
}

/** The networking.k8s.io/v1 Ingress of a SecureIngress served by an ingress controller. */
export function renderIngress(scope: Construct, id: string, ingress: IngressRecord): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, id, {
    metadata: {
      name: ingress.name,
      namespace: ingress.namespace,
      ...(Object.keys(ingress.annotations).length > 0 ? { annotations: { ...ingress.annotations } } : {}),
    },
    spec: {
      ingressClassName: ingress.ingressClassName,
      tls: [{ hosts: [...ingress.hosts], secretName: ingress.tlsSecretName }],
      rules: ingress.hosts.map((host) => ({
        host,
        http: {
          paths: ingress.paths.map((path) => ({
            path,
            pathType: ingress.pathType,
            backend: { service: { name: ingress.serviceName, port: { number: ingress.servicePort } } },
          })),
        },
      })),
    },
  });
}
