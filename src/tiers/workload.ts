import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { netsecError } from '../core/errors';
import { Port, Protocol } from '../core/port';

/*
 * cdk8s-plus workloads and Services, from any cdk8s-plus line (28, 33, ...), read through their public API.
 *
 * Each cdk8s-plus line is its own package with its own classes, so `instanceof` one line's `Workload`
 * is false for another line's Deployment, and a Python app passes its own line's objects. What the
 * library needs (selector labels, namespace, service account, container ports; a Service's name) has
 * the same shape in every line, so it is read by shape here, in one place.
 */

/** The part of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, ...) the library reads. */
export interface PlusWorkload extends IConstruct {
  readonly matchLabels: { [key: string]: string };
  readonly matchExpressions?: unknown[];
  readonly containers: { readonly ports?: { readonly number: number; readonly protocol?: string }[] }[];
  readonly metadata: { readonly namespace?: string };
  readonly serviceAccount?: { readonly name: string };
  readonly hostNetwork?: boolean;
}

/** The part of a cdk8s-plus Service the library reads (its spec is read from its ApiObject). */
export interface PlusService extends IConstruct {
  readonly name: string;
  readonly metadata: { readonly namespace?: string };
}

/** What a tier made from a workload takes from it. */
export interface WorkloadFacts {
  readonly podLabels: { [key: string]: string };
  readonly namespace?: string;
  readonly serviceAccountName?: string;
  /** The container ports, one `Port` per distinct protocol and number, in container order. */
  readonly ports: Port[];
}

const PROTOCOLS: ReadonlySet<string> = new Set(Object.values(Protocol));

/** True when `x` looks like a cdk8s-plus workload of any line: a construct with pod selector and containers. */
export function isPlusWorkload(x: unknown): x is PlusWorkload {
  return isConstruct(x)
    && isObject((x as any).matchLabels)
    && Array.isArray((x as any).containers)
    && isObject((x as any).metadata)
    && typeof (x as any).select === 'function';
}

/** True when `x` looks like a cdk8s-plus Service of any line. */
export function isPlusService(x: unknown): x is PlusService {
  return isConstruct(x)
    && (x as any).resourceType === 'services'
    && typeof (x as any).name === 'string'
    && isObject((x as any).metadata);
}

/**
 * Reads what a tier needs from `workload`, refusing what would make the tier select other pods than the
 * workload's or look isolated without being so. `path` names the construct being made.
 */
export function readWorkload(path: string, workload: unknown): WorkloadFacts {
  if (!isPlusWorkload(workload)) {
    throw netsecError(path, 'workload is not a cdk8s-plus workload', describe(workload),
      'Pass a Deployment, StatefulSet, DaemonSet or Job from cdk8s-plus (any line, e.g. cdk8s-plus-28 or cdk8s-plus-33), '
      + 'or make the tier with new IsolatedTier(scope, id, { podLabels }).');
  }
  const expressions = workload.matchExpressions ?? [];
  if (expressions.length > 0) {
    // podLabels cannot carry expressions: the tier would select more pods than the workload does.
    throw netsecError(path, 'the workload selects its pods with matchExpressions, which a tier made from it would drop', expressions,
      'Select the workload\'s pods with labels only (workload.select(LabelSelector.is(key, value))), '
      + 'or make the tier with new IsolatedTier(scope, id, { podLabels }) naming labels only those pods carry.');
  }
  if (Object.keys(workload.matchLabels).length === 0) {
    throw netsecError(path, 'the workload selects its pods by no label (a Job, or a workload made with select: false), so a tier would select every pod of its namespace',
      workload.node.path, 'Label the pods (workload.podMetadata.addLabel("app", "batch")) and make the tier with '
      + 'new IsolatedTier(scope, id, { podLabels: { app: "batch" } }), or let the workload select its pods.');
  }
  if (workload.hostNetwork === true) {
    throw netsecError(path, 'the workload runs in the host network, where NetworkPolicy does not isolate its pods', workload.node.path,
      'Run the workload without hostNetwork, or restrict its traffic on the nodes; a tier would only look isolated.');
  }
  return {
    podLabels: { ...workload.matchLabels },
    namespace: workload.metadata.namespace ?? chartNamespace(workload),
    serviceAccountName: workload.serviceAccount?.name,
    ports: containerPorts(path, workload),
  };
}

function containerPorts(path: string, workload: PlusWorkload): Port[] {
  const seen = new Map<string, Port>();
  for (const container of workload.containers) {
    for (const p of container.ports ?? []) {
      const protocol = p.protocol ?? Protocol.TCP;
      if (!PROTOCOLS.has(protocol)) {
        throw netsecError(path, 'a container port of the workload has a protocol the library does not know', protocol,
          `Use one of ${[...PROTOCOLS].join(', ')}, or pass ports in the options.`);
      }
      const port = Port.portRange(protocol as Protocol, p.number, p.number);
      seen.set(port.toString(), port);
    }
  }
  return [...seen.values()];
}

/** The namespace of the chart holding `c`, if any (a workload without one lands in its chart's namespace). */
function chartNamespace(c: IConstruct): string | undefined {
  try {
    return Chart.of(c).namespace;
  } catch {
    return undefined;
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return isObject(x) && isObject((x as any).node) && typeof (x as any).node.path === 'string';
}

function isObject(x: unknown): boolean {
  return x !== null && typeof x === 'object';
}

function describe(x: unknown): unknown {
  if (isConstruct(x)) return `${x.constructor?.name ?? 'construct'} ${x.node.path}`;
  return x;
}
