/*
 * A deliberately naive evaluator of the manifests bench/analyzer.ts generates, written from the raw JSON
 * and the Kubernetes documentation only (no code of src/ is used), to check the analyzer's answers:
 * one connection at a time, every policy looked at for every question.
 *
 * It knows what the generator writes and nothing more: Namespaces, Deployments and Pods (labels, named
 * container ports, status.podIP), NetworkPolicies (podSelector, policyTypes, from/to with podSelector,
 * namespaceSelector, both, or ipBlock with except; ports with number, name, endPort and protocol), and
 * ClusterNetworkPolicies (tier Admin/Baseline, priority, subject.namespaces, one rule per direction with
 * namespaces, pods or networks peers, optional TCP destinationPort).
 */

interface NaivePod {
  readonly id: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ports: { name?: string; containerPort: number; protocol?: string }[];
  readonly ip?: number;
}

type Labels = Record<string, string>;

function selectorMatches(selector: any, labels: Labels): boolean {
  if (selector === undefined || selector === null) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = present && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

function ipv4(text: string): number {
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inCidr(ip: number, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4(base) / size) * size;
  return ip >= start && ip < start + size;
}

/** The cluster, read from the generated objects. */
export class NaiveCluster {
  public readonly pods: NaivePod[] = [];
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly policies: any[] = [];
  private readonly admin: any[] = [];
  private readonly baseline: any[] = [];

  public constructor(objects: any[]) {
    for (const o of objects) {
      if (o.kind === 'Namespace') {
        this.namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });
      } else if (o.kind === 'Deployment') {
        const template = o.spec.template;
        this.pods.push({ id: `${o.metadata.namespace}/${o.metadata.name}`, namespace: o.metadata.namespace, labels: template.metadata.labels, ports: template.spec.containers.flatMap((c: any) => c.ports ?? []) });
      } else if (o.kind === 'Pod') {
        this.pods.push({
          id: `${o.metadata.namespace}/${o.metadata.name}`,
          namespace: o.metadata.namespace,
          labels: o.metadata.labels ?? {},
          ports: o.spec.containers.flatMap((c: any) => c.ports ?? []),
          ip: o.status?.podIP ? ipv4(o.status.podIP) : undefined,
        });
      } else if (o.kind === 'NetworkPolicy') {
        this.policies.push(o);
      } else if (o.kind === 'ClusterNetworkPolicy') {
        (o.spec.tier === 'Admin' ? this.admin : this.baseline).push(o);
      }
    }
    const byPriority = (a: any, b: any) => a.spec.priority - b.spec.priority || (a.metadata.name < b.metadata.name ? -1 : 1);
    this.admin.sort(byPriority);
    this.baseline.sort(byPriority);
    this.pods.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The port number a connection to `to` uses: `port` itself, or for a name the number the pod gives it
   * (TCP); undefined when the pod has no such name.
   */
  public resolve(to: NaivePod, port: number | string): number | undefined {
    if (typeof port === 'number') return port;
    return to.ports.find(p => p.name === port && (p.protocol ?? 'TCP') === 'TCP')?.containerPort;
  }

  /** True when `from` may connect to `to` on TCP `port` (a number or a container port name). */
  public allowed(from: NaivePod, to: NaivePod, port: number | string): boolean {
    const number = this.resolve(to, port);
    if (number === undefined) return false;
    if (from === to) return true;
    return this.side(from, to, to, number, 'egress') && this.side(to, from, to, number, 'ingress');
  }

  private labelsOf(namespace: string): Labels {
    return this.namespaceLabels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
  }

  /** One side: `subject` is the pod whose policies apply, `other` the far end, `destination` the server. */
  private side(subject: NaivePod, other: NaivePod, destination: NaivePod, port: number, direction: 'ingress' | 'egress'): boolean {
    const tierAnswer = (policies: any[]): boolean | 'pass' | undefined => {
      for (const p of policies) {
        if (!selectorMatches(p.spec.subject.namespaces, this.labelsOf(subject.namespace))) continue;
        for (const rule of p.spec[direction] ?? []) {
          const peers = direction === 'ingress' ? rule.from : rule.to;
          // v1alpha2 has no `networks` ingress peer: a peer with no known field fails closed (an Accept
          // rule matches nothing, a Deny or Pass rule everything, on every port).
          const unknown = direction === 'ingress' && peers.some((peer: any) => peer.networks);
          if (unknown && rule.action !== 'Accept') return rule.action === 'Deny' ? false : 'pass';
          if (!peers.some((peer: any) => this.adminPeerMatches(peer, other))) continue;
          if (rule.protocols && !rule.protocols.some((pr: any) => pr.tcp?.destinationPort?.number === port)) continue;
          if (rule.action === 'Accept') return true;
          if (rule.action === 'Deny') return false;
          return 'pass';
        }
      }
      return undefined;
    };
    const admin = tierAnswer(this.admin);
    if (admin === true || admin === false) return admin;
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    const selecting = this.policies.filter(p => p.metadata.namespace === subject.namespace
      && (p.spec.policyTypes ?? []).includes(type) && selectorMatches(p.spec.podSelector, subject.labels));
    if (selecting.length > 0) {
      return selecting.some(p => (p.spec[direction] ?? []).some((rule: any) => {
        const peers = direction === 'ingress' ? rule.from : rule.to;
        const peerOk = peers === undefined || peers.length === 0 || peers.some((peer: any) => this.peerMatches(peer, p.metadata.namespace, other));
        return peerOk && this.portsMatch(rule.ports, destination, port);
      }));
    }
    if (admin === 'pass' || admin === undefined) {
      const baseline = tierAnswer(this.baseline);
      return baseline !== false;
    }
    return true;
  }

  private peerMatches(peer: any, policyNamespace: string, pod: NaivePod): boolean {
    if (peer.ipBlock) {
      return pod.ip !== undefined && inCidr(pod.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(pod.ip!, c));
    }
    const namespaceOk = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, this.labelsOf(pod.namespace))
      : pod.namespace === policyNamespace;
    return namespaceOk && selectorMatches(peer.podSelector, pod.labels);
  }

  private adminPeerMatches(peer: any, pod: NaivePod): boolean {
    if (peer.namespaces) return selectorMatches(peer.namespaces, this.labelsOf(pod.namespace));
    if (peer.pods) {
      return selectorMatches(peer.pods.namespaceSelector, this.labelsOf(pod.namespace)) && selectorMatches(peer.pods.podSelector, pod.labels);
    }
    if (peer.networks) return pod.ip !== undefined && peer.networks.some((c: string) => inCidr(pod.ip!, c));
    return false;
  }

  private portsMatch(ports: any[] | undefined, destination: NaivePod, port: number): boolean {
    if (ports === undefined || ports.length === 0) return true;
    return ports.some(entry => {
      if ((entry.protocol ?? 'TCP') !== 'TCP') return false;
      if (entry.port === undefined) return true;
      if (typeof entry.port === 'string') return this.resolve(destination, entry.port) === port;
      return entry.port <= port && port <= (entry.endPort ?? entry.port);
    });
  }
}
