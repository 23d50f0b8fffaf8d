import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { compareStrings } from '../core/selector';

/** What a REGISTRY_ONLY Sidecar is made of. */
export interface SidecarIntent {
  /** The Sidecar's name. */
  readonly name: string;
  /** The Sidecar's namespace. */
  readonly namespace: string;
  /** The pods it applies to; undefined for every pod of the namespace without a Sidecar of its own. */
  readonly podLabels?: { [key: string]: string };
  /** The hosts the pods may reach through it (`<namespace>/<host>`), read when the Sidecar renders. */
  readonly egressHosts: () => string[];
}

/**
 * Renders an Istio Sidecar that passes only registered destinations (`outboundTrafficPolicy:
 * REGISTRY_ONLY`) and imports exactly the given hosts; with none, it imports nothing (`~/*`), so the pods
 * reach no service through the sidecar. The hosts are read at synth, when every flow is known.
 */
export function renderSidecar(scope: Construct, id: string, intent: SidecarIntent): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: intent.name, namespace: intent.namespace },
    spec: Lazy.any({
      produce: () => {
        const hosts = [...new Set(intent.egressHosts())].sort(compareStrings);
        return {
          ...(intent.podLabels ? { workloadSelector: { labels: { ...intent.podLabels } } } : {}),
          egress: [{ hosts: hosts.length > 0 ? hosts : ['~/*'] }],
          outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
        };
      },
    }),
  });
}
