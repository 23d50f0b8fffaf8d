import { ClusterIndex, IndexedAdminRule, IndexedRule } from './cluster';
import { ResolvedEndpoint } from './explain';
import { ensureNamespace, ManifestModel, ModelPod, NAMESPACE_NAME_LABEL } from '../input/manifests';

/*
 * The representative sources exposure asks the engine about, as pods added to a copy of the model so
 * that the engine judges both of their sides (their egress too, Admin and Baseline tiers included):
 * - a pod without labels in a namespace the manifests do not know (only its name label);
 * - a new pod without labels in each namespace that has pods;
 * - for every pod peer of an ingress rule, one pod that peer selects (in a namespace it selects),
 *   among which an ingress controller's or gateway's data plane must be to reach the pod.
 * Names in braces are not valid Kubernetes names, so no manifest can name or select them by name.
 */

/** The namespace no manifest knows. */
export const UNKNOWN_NAMESPACE = '{unknown-namespace}';
const ANY_POD = '{any-pod}';
const NEW_POD = '{new-pod}';

/** A representative source: a pod in the probe model, and what it stands for. */
export interface Probe {
  readonly endpoint: ResolvedEndpoint;
  /** What it stands for, e.g. `pods {app=web} of the policy's namespace (shop/api)`. */
  readonly text: string;
}

/** The model with the probes, and where they are. */
export interface ProbeModel {
  readonly index: ClusterIndex;
  /** The pod without labels in a namespace the manifests do not know. */
  readonly anyNamespace: Probe;
  /** Per namespace: a new pod without labels in it. */
  readonly newPod: ReadonlyMap<string, Probe>;
  /** Per modelled pod (by `namespace/name`): one pod per pod peer of its ingress rules. */
  readonly peersOf: ReadonlyMap<string, readonly Probe[]>;
}

/** Builds the probe model; the original model is not changed. */
export function probeModel(model: ManifestModel, index: ClusterIndex): ProbeModel {
  const copy: ManifestModel = {
    ...model,
    namespaces: new Map([...model.namespaces].map(([k, v]) => [k, { ...v }])),
    pods: [...model.pods],
    podSources: new Map(model.podSources),
  };
  const probe = (namespace: string, name: string, labels: Record<string, string>): string => {
    const pod: ModelPod = { namespace, name, labels, ports: [], addresses: [], source: `exposure probe ${namespace}/${name}`, kind: 'Probe' };
    ensureNamespace(copy, namespace);
    copy.pods.push(pod);
    copy.podSources.set(`${namespace}/${name}`, pod.source);
    return `${namespace}/${name}`;
  };
  const anyId = probe(UNKNOWN_NAMESPACE, ANY_POD, {});
  const newIds = new Map<string, string>();
  for (const namespace of new Set(index.pods.map(p => p.namespace))) newIds.set(namespace, probe(namespace, NEW_POD, {}));

  const representatives = new Map<string, string>();
  const peerTexts = new Map<string, Array<{ id: string; text: string }>>();
  let count = 0;
  index.pods.forEach((_pod, j) => {
    const tiers = index.tierIngressOf[j];
    const rules: Array<IndexedRule | IndexedAdminRule> = [...tiers.admin, ...index.ingressOf[j].rules, ...tiers.baseline];
    const texts: Array<{ id: string; text: string }> = [];
    for (const r of rules) {
      const owner = 'policy' in r ? r.policy.id : r.admin.id;
      const policyNamespace = 'policy' in r ? r.policy.namespace : '';
      for (const peer of r.rule.peers ?? []) {
        if (peer.kind !== 'pods') continue;
        const podLabels = peer.podSelector === undefined ? {} : peer.podSelector.sample();
        if (podLabels === undefined) continue;
        let namespace: string | undefined = policyNamespace;
        if (peer.namespaceSelector !== undefined) {
          namespace = index.namespaces.find(ns => peer.namespaceSelector!.matches(index.labelsOf(ns)));
          if (namespace === undefined) {
            const labels = peer.namespaceSelector.sample();
            if (labels === undefined) continue;
            namespace = labels[NAMESPACE_NAME_LABEL] ?? `{namespace-${++count}}`;
            if (!peer.namespaceSelector.matches({ ...labels, [NAMESPACE_NAME_LABEL]: namespace })) continue;
            ensureNamespace(copy, namespace, labels);
          }
        }
        const key = `${namespace}|${JSON.stringify(Object.entries(podLabels).sort())}`;
        let id = representatives.get(key);
        if (id === undefined) {
          id = probe(namespace, `{peer-${++count}}`, podLabels);
          representatives.set(key, id);
        }
        texts.push({ id, text: `${peer.text} (${owner})` });
      }
    }
    peerTexts.set(index.podIds[j], texts);
  });

  const probeIndex = new ClusterIndex(copy);
  const at = (id: string, text: string): Probe => {
    const [namespace, ...rest] = id.split('/');
    const position = probeIndex.positionOf(namespace, rest.join('/'))!;
    return { endpoint: { kind: 'pod', position, pod: probeIndex.pods[position], label: text }, text };
  };
  return {
    index: probeIndex,
    anyNamespace: at(anyId, 'a pod of any namespace'),
    newPod: new Map([...newIds].map(([ns, id]) => [ns, at(id, `a new pod of ${ns}`)])),
    peersOf: new Map([...peerTexts].map(([podId, texts]) => [podId, dedupe(texts.map(t => at(t.id, t.text)))])),
  };
}

function dedupe(probes: Probe[]): Probe[] {
  const seen = new Set<string>();
  return probes.filter(p => !seen.has(p.text) && seen.add(p.text) !== undefined);
}
