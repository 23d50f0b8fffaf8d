import { Construct } from 'constructs';
import { serviceFieldsOf } from '../core/app-protocol';
import * as k8s from '../imports/k8s';
import type { ExposedPort } from '../tiers/exposed-port';

/** What a Service says, decided and checked by the construct that records it. */
export interface ServiceIntent {
  readonly name: string;
  readonly namespace: string;
  /** `ClusterIP`, `LoadBalancer` or `NodePort`. */
  readonly serviceType: string;
  /** The labels of the backing pods: exactly the tier's. */
  readonly selector: { [key: string]: string };
  readonly ports: ExposedPort[];
  /** LoadBalancer and NodePort only. */
  readonly externalTrafficPolicy?: string;
  /** LoadBalancer only. */
  readonly loadBalancerSourceRanges?: string[];
}

/** Renders a Service: each port forwards to one container port of the tier, by number or by name. */
export function renderService(scope: Construct, id: string, intent: ServiceIntent): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: intent.name, namespace: intent.namespace },
    spec: {
      type: intent.serviceType,
      selector: { ...intent.selector },
      ports: intent.ports.map((p) => ({
        name: p.name,
        ...(appProtocolOf(p) !== undefined ? { appProtocol: appProtocolOf(p) } : {}),
        port: p.port,
        protocol: p.targetPort.protocol,
        targetPort: p.targetPort.name !== undefined
          ? k8s.IntOrString.fromString(p.targetPort.name)
          : k8s.IntOrString.fromNumber(p.targetPort.startPort!),
      })),
      ...(intent.externalTrafficPolicy !== undefined ? { externalTrafficPolicy: intent.externalTrafficPolicy } : {}),
      ...(intent.loadBalancerSourceRanges !== undefined ? { loadBalancerSourceRanges: [...intent.loadBalancerSourceRanges] } : {}),
    },
  });
}

/** The `appProtocol` of a Service port: the one its target port declares; none for plain TCP. */
function appProtocolOf(port: ExposedPort): string | undefined {
  return port.targetPort.appProtocol !== undefined ? serviceFieldsOf(port.targetPort.appProtocol).appProtocol : undefined;
}
