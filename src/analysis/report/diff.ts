import { AllowedFlow } from './allowed-flow';
import { FlowEndpointKind } from './flow-endpoint-kind';
import { AuditFinding, AuditOptions } from '../../audit/audit-finding';
import { Protocol } from '../../core/port';
import { describePortIntervals, Interval, LAST_PORT } from '../policies/port-intervals';
import { Reachability } from '../reachability';

/**
 * Ports a change opens or closes between one ordered pair of endpoints: an `AllowedFlow` whose `ports`
 * (and `description`) are the ports opened (or closed), merged into ranges.
 */
export interface FlowChange extends AllowedFlow {
  /**
   * True when the whole flow appears or disappears: in `opened`, the pair could not connect on any port
   * before; in `closed`, it cannot connect on any port after.
   */
  readonly wholeFlow: boolean;
}

/**
 * What a change to the manifests does to the network: the flows it opens and closes, and the audit
 * findings it adds and resolves.
 *
 * Compares `Reachability.flows({ includeExternal: true })` of both models port by port, so a pair whose
 * allowed ports changed from `TCP 80-90` to `TCP 85-95` reports `TCP 91-95` opened and `TCP 80-84`
 * closed. Pods are matched by `namespace/pod`: a renamed pod's flows close and the new name's flows
 * open. Connections with addresses outside the cluster are compared address by address and reported
 * per IPv4 range that changed the same way (e.g. `10.0.0.0-10.255.255.255` opened on TCP 443).
 *
 * @example
 * const change = ReachabilityDiff.between(Reachability.fromManifests(mainBranch), Reachability.fromManifests(pullRequest));
 * if (!change.isEmpty) console.log(change.toMarkdown());
 */
export class ReachabilityDiff {
  /**
   * Compares two models.
   * @param before the model of the current manifests (e.g. the main branch)
   * @param after the model of the changed manifests (e.g. a pull request)
   * @param auditOptions the options both audits run with (ignored rules, minimum severity)
   */
  public static between(before: Reachability, after: Reachability, auditOptions: AuditOptions = {}): ReachabilityDiff {
    const { opened, closed } = compareFlows(before.flows({ includeExternal: true }), after.flows({ includeExternal: true }));
    const oldFindings = before.audit(auditOptions);
    const newFindings = after.audit(auditOptions);
    return new ReachabilityDiff(opened, closed, subtractFindings(newFindings, oldFindings), subtractFindings(oldFindings, newFindings));
  }

  /** Ports that are allowed after but not before, per pair, sorted by source then destination. */
  public readonly opened: FlowChange[];
  /** Ports that were allowed before but not after, per pair, sorted by source then destination. */
  public readonly closed: FlowChange[];
  /** Findings of the audit after the change that the audit before it did not report, most severe first. */
  public readonly findingsAdded: AuditFinding[];
  /** Findings of the audit before the change that the audit after it no longer reports, most severe first. */
  public readonly findingsResolved: AuditFinding[];

  private constructor(opened: FlowChange[], closed: FlowChange[], findingsAdded: AuditFinding[], findingsResolved: AuditFinding[]) {
    this.opened = opened;
    this.closed = closed;
    this.findingsAdded = findingsAdded;
    this.findingsResolved = findingsResolved;
  }

  /** True when no flow opens or closes and no finding is added or resolved. */
  public get isEmpty(): boolean {
    return this.opened.length + this.closed.length + this.findingsAdded.length + this.findingsResolved.length === 0;
  }

  /**
   * The change as Markdown for a pull-request review: a table of opened flows, a table of closed flows,
   * and lists of the findings added and resolved; sections without entries are left out.
   */
  public toMarkdown(): string {
    if (this.isEmpty) return 'No change: the same flows are allowed and the audit reports the same findings.\n';
    const sections: string[] = [];
    if (this.opened.length > 0) sections.push(flowTable(`Flows opened (${this.opened.length})`, this.opened, 'new flow', 'more ports'));
    if (this.closed.length > 0) sections.push(flowTable(`Flows closed (${this.closed.length})`, this.closed, 'flow removed', 'fewer ports'));
    if (this.findingsAdded.length > 0) sections.push(findingList(`Findings added (${this.findingsAdded.length})`, this.findingsAdded));
    if (this.findingsResolved.length > 0) sections.push(findingList(`Findings resolved (${this.findingsResolved.length})`, this.findingsResolved));
    return sections.join('\n');
  }
}

/** Inclusive port intervals of one protocol, sorted and not touching. */
type Intervals = Interval[];

function compareFlows(allBefore: AllowedFlow[], allAfter: AllowedFlow[]): { opened: FlowChange[]; closed: FlowChange[] } {
  const isRange = (f: AllowedFlow) => f.sourceKind === FlowEndpointKind.ADDRESS_RANGE || f.destinationKind === FlowEndpointKind.ADDRESS_RANGE;
  const before = allBefore.filter(f => !isRange(f));
  const after = allAfter.filter(f => !isRange(f));
  const ranges = compareRanges(allBefore.filter(isRange), allAfter.filter(isRange));
  const pairChanges = comparePairs(before, after);
  return { opened: [...pairChanges.opened, ...ranges.opened], closed: [...pairChanges.closed, ...ranges.closed] };
}

/** A flow with an address range, cut into its pod end, direction and numeric range. */
interface RangeFlow {
  readonly pod: string;
  readonly outbound: boolean;
  readonly start: number;
  readonly end: number;
  readonly ports: Map<Protocol, Intervals>;
}

function compareRanges(before: AllowedFlow[], after: AllowedFlow[]): { opened: FlowChange[]; closed: FlowChange[] } {
  const parse = (f: AllowedFlow): RangeFlow => {
    const outbound = f.destinationKind === FlowEndpointKind.ADDRESS_RANGE;
    const [first, last] = (outbound ? f.destination : f.source).split('-').map(ipv4Number);
    return { pod: outbound ? f.source : f.destination, outbound, start: first, end: last, ports: portSets(f) };
  };
  const groups = new Map<string, { pod: string; outbound: boolean; was: RangeFlow[]; is: RangeFlow[] }>();
  const add = (f: RangeFlow, side: 'was' | 'is') => {
    const key = `${f.pod}\n${f.outbound}`;
    const group = groups.get(key) ?? { pod: f.pod, outbound: f.outbound, was: [], is: [] };
    group[side].push(f);
    groups.set(key, group);
  };
  before.map(parse).forEach(f => add(f, 'was'));
  after.map(parse).forEach(f => add(f, 'is'));
  const opened: FlowChange[] = [];
  const closed: FlowChange[] = [];
  const sorted = [...groups.values()].sort((a, b) => comparePods(a.pod, b.pod) || Number(a.outbound) - Number(b.outbound));
  for (const group of sorted) {
    const cuts = [...new Set([...group.was, ...group.is].flatMap(f => [f.start, f.end + 1]))].sort((a, b) => a - b);
    const portsAt = (flows: RangeFlow[], address: number) => flows.find(f => f.start <= address && address <= f.end)?.ports ?? new Map();
    const emit = (list: FlowChange[], start: number, end: number, sets: Map<Protocol, Intervals>, whole: boolean) => {
      const range = `${ipv4Text(start)}-${ipv4Text(end)}`;
      list.push(group.outbound
        ? { source: group.pod, destination: range, destinationKind: FlowEndpointKind.ADDRESS_RANGE, ...describePortIntervals(sets), wholeFlow: whole }
        : { source: range, sourceKind: FlowEndpointKind.ADDRESS_RANGE, destination: group.pod, ...describePortIntervals(sets), wholeFlow: whole });
    };
    // Elementary pieces, then adjacent pieces with the same change merged.
    let openRun: { start: number; end: number; key: string; sets: Map<Protocol, Intervals>; whole: boolean } | undefined;
    let closeRun: typeof openRun;
    const flush = (run: typeof openRun, list: FlowChange[]) => run && emit(list, run.start, run.end, run.sets, run.whole);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const start = cuts[k];
      const end = cuts[k + 1] - 1;
      const was = portsAt(group.was, start);
      const is = portsAt(group.is, start);
      const gained = subtract(is, was);
      const lost = subtract(was, is);
      const step = (run: typeof openRun, sets: Map<Protocol, Intervals>, whole: boolean, list: FlowChange[]): typeof openRun => {
        const key = sets.size === 0 ? '' : `${whole}|${describePortIntervals(sets).description}`;
        if (run && run.key === key && run.end + 1 === start) {
          run.end = end;
          return run;
        }
        if (run && run.key !== '') flush(run, list);
        return { start, end, key, sets, whole };
      };
      openRun = step(openRun, gained, was.size === 0, opened);
      closeRun = step(closeRun, lost, is.size === 0, closed);
    }
    if (openRun && openRun.key !== '') flush(openRun, opened);
    if (closeRun && closeRun.key !== '') flush(closeRun, closed);
  }
  return { opened, closed };
}

function ipv4Number(text: string): number {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function ipv4Text(value: number): string {
  const octets: number[] = [];
  let rest = value;
  for (let i = 0; i < 4; i++) {
    octets.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return octets.join('.');
}

function comparePairs(before: AllowedFlow[], after: AllowedFlow[]): { opened: FlowChange[]; closed: FlowChange[] } {
  const oldPorts = new Map(before.map(f => [pairKey(f.source, f.destination), f]));
  const newPorts = new Map(after.map(f => [pairKey(f.source, f.destination), f]));
  const pairs = [...new Map([...before, ...after].map(f => [pairKey(f.source, f.destination),
    { from: f.source, to: f.destination, kinds: { sourceKind: f.sourceKind, destinationKind: f.destinationKind } }])).values()]
    .sort((a, b) => comparePods(a.from, b.from) || comparePods(a.to, b.to));
  const opened: FlowChange[] = [];
  const closed: FlowChange[] = [];
  for (const { from, to, kinds } of pairs) {
    const ends = {
      ...(kinds.sourceKind && kinds.sourceKind !== FlowEndpointKind.POD ? { sourceKind: kinds.sourceKind } : {}),
      ...(kinds.destinationKind && kinds.destinationKind !== FlowEndpointKind.POD ? { destinationKind: kinds.destinationKind } : {}),
    };
    const was = oldPorts.get(pairKey(from, to));
    const is = newPorts.get(pairKey(from, to));
    const gained = subtract(portSets(is), portSets(was));
    const lost = subtract(portSets(was), portSets(is));
    if (gained.size > 0) opened.push({ source: from, destination: to, ...ends, ...describePortIntervals(gained), wholeFlow: was === undefined });
    if (lost.size > 0) closed.push({ source: from, destination: to, ...ends, ...describePortIntervals(lost), wholeFlow: is === undefined });
  }
  return { opened, closed };
}

function pairKey(from: string, to: string): string {
  return `${from}\n${to}`;
}

/** Orders `namespace/pod` ids by namespace, then name, like `Reachability.pods`. */
function comparePods(a: string, b: string): number {
  const [na, pa] = splitPod(a);
  const [nb, pb] = splitPod(b);
  return compareText(na, nb) || compareText(pa, pb);
}

function splitPod(id: string): [string, string] {
  const slash = id.indexOf('/');
  if (slash < 0) return ['\uffff', id];
  return [id.slice(0, slash), id.slice(slash + 1)];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A flow's ports as merged intervals per protocol; `flows()` yields only numeric and whole-protocol ports. */
function portSets(flow: AllowedFlow | undefined): Map<Protocol, Intervals> {
  const sets = new Map<Protocol, Intervals>();
  for (const port of flow?.ports ?? []) {
    if (port.isNamed) continue;
    const interval = port.isAllPorts ? { start: 1, end: LAST_PORT } : { start: port.startPort!, end: port.endPort ?? port.startPort! };
    sets.set(port.protocol, merge([...sets.get(port.protocol) ?? [], interval]));
  }
  return sets;
}

function merge(intervals: Intervals): Intervals {
  const merged: Intervals = [];
  for (const next of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end + 1) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

/** The ports in `a` that are not in `b`, per protocol; protocols left empty are dropped. */
function subtract(a: Map<Protocol, Intervals>, b: Map<Protocol, Intervals>): Map<Protocol, Intervals> {
  const result = new Map<Protocol, Intervals>();
  for (const [protocol, intervals] of a) {
    let rest = intervals;
    for (const cut of b.get(protocol) ?? []) {
      rest = rest.flatMap(i => [
        ...(i.start < cut.start ? [{ start: i.start, end: Math.min(i.end, cut.start - 1) }] : []),
        ...(i.end > cut.end ? [{ start: Math.max(i.start, cut.end + 1), end: i.end }] : []),
      ]);
    }
    if (rest.length > 0) result.set(protocol, rest);
  }
  return result;
}

/**
 * The findings of `a` that `b` does not have, keeping `a`'s order. A finding is the same when its rule,
 * object and message are; each finding of `b` accounts for one equal finding of `a`.
 */
function subtractFindings(a: AuditFinding[], b: AuditFinding[]): AuditFinding[] {
  const remaining = new Map<string, number>();
  for (const finding of b) remaining.set(findingKey(finding), (remaining.get(findingKey(finding)) ?? 0) + 1);
  return a.filter(finding => {
    const count = remaining.get(findingKey(finding)) ?? 0;
    if (count > 0) remaining.set(findingKey(finding), count - 1);
    return count === 0;
  });
}

function findingKey(finding: AuditFinding): string {
  return [finding.ruleId, finding.kind, finding.namespace ?? '', finding.name, finding.message].join('\n');
}

function flowTable(title: string, changes: FlowChange[], whole: string, partial: string): string {
  const rows = changes.map(c => `| \`${endText(c.source, c.sourceKind)}\` | \`${endText(c.destination, c.destinationKind)}\` | ${cell(c.description)} | ${c.wholeFlow ? whole : partial} |`);
  return [`### ${title}`, '', '| From | To | Ports | Change |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

function findingList(title: string, findings: AuditFinding[]): string {
  const items = findings.map(f => `- **${f.severity.toUpperCase()}** ${f.ruleId} ${f.ruleName}: ${f.resource}: ${inline(f.message)}`);
  return [`### ${title}`, '', ...items, ''].join('\n');
}

/** Table cells may not hold a pipe or a line break. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function endText(name: string, kind: FlowEndpointKind | undefined): string {
  return kind === FlowEndpointKind.ADDRESS_RANGE ? `${name} (external)` : kind === FlowEndpointKind.FQDN ? `${name} (toFQDNs)` : name;
}
