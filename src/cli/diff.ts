import { listOf, OptionSpec, parseArguments, ParsedArguments, valueOf } from './arguments';
import type { CliIo } from './cli-io';
import { ExitStatus } from './exit-status';
import { ManifestInput, readManifestInput } from './input';
import { failsFast, MODEL_OPTIONS, reachabilityOf } from './model-options';
import { Edge, endpointText, OutputFormat, parseOutputFormat, render, Table } from './output-format';
import { checkIgnored, failing, findingJson, parseFailOn, plural, portJson } from './report';
import { DIFF_USAGE } from './usage';
import { Reachability } from '../analysis/reachability';
import { FlowChange, ReachabilityDiff } from '../analysis/report/diff';
import { AuditFinding } from '../audit/audit-finding';
import { netsecError } from '../core/errors';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'fail-on-change', takesValue: false },
  { name: 'fail-on', takesValue: true },
  { name: 'ignore', takesValue: true, repeatable: true },
  { name: 'json', takesValue: false },
  { name: 'output', takesValue: true },
  ...MODEL_OPTIONS,
  { name: 'help', takesValue: false },
];

/** One side of the comparison. */
interface Side {
  readonly path: string;
  readonly input: ManifestInput;
  readonly reachability: Reachability;
}

/** `cdk8s-netsec diff`: compares two synthesized outputs; returns the exit status. */
export function diff(argv: readonly string[], io: CliIo): number {
  const args = parseArguments('diff', argv, OPTIONS);
  if (args.switches.has('help')) {
    io.stdout.write(DIFF_USAGE);
    return ExitStatus.OK;
  }
  if (args.operands.length !== 2) {
    throw netsecError('cdk8s-netsec diff', 'needs exactly two paths, the old output and the new one', args.operands,
      'Write cdk8s-netsec diff <old> <new>, each a YAML file or a directory of them.');
  }
  const failOn = parseFailOn(valueOf(args, 'fail-on') ?? 'none', 'diff');
  const ignore = checkIgnored(listOf(args, 'ignore'), 'diff');
  const outputText = valueOf(args, 'output');
  if (outputText !== undefined && args.switches.has('json')) {
    throw netsecError('cdk8s-netsec diff --output', 'cannot be combined with --json', outputText, 'Use --output json alone.');
  }
  const output: OutputFormat = args.switches.has('json') ? 'json' : outputText === undefined ? 'md' : parseOutputFormat(outputText, 'diff');
  const [before, after] = args.operands.map(path => readSide(path, io, args));
  const change = ReachabilityDiff.between(before.reachability, after.reachability, { ignore });

  const reasons: string[] = [];
  if (args.switches.has('fail-on-change') && !change.isEmpty) reasons.push('the change opens or closes flows or changes findings (--fail-on-change)');
  const severe = failing(change.findingsAdded, failOn);
  if (severe.length > 0) reasons.push(`the change adds ${plural(severe.length, 'finding')} at or above ${failOn} (--fail-on ${failOn})`);

  io.stdout.write(output === 'json' ? jsonReport(before, after, change)
    : output === 'md' ? markdownReport(before, after, change)
      : changeOutput(change, output));
  if (reasons.length > 0) io.stderr.write(`cdk8s-netsec diff: exit 1: ${reasons.join('; ')}.\n`);
  return reasons.length > 0 ? ExitStatus.FAILED : ExitStatus.OK;
}

function readSide(path: string, io: CliIo, args: ParsedArguments): Side {
  const input = readManifestInput([path], { ...io, failFast: failsFast(args) });
  // Problems name the file and document they come from, which says which side they are on.
  return { path, input, reachability: reachabilityOf(args, input) };
}

function markdownReport(before: Side, after: Side, change: ReachabilityDiff): string {
  const oldPods = new Set(before.reachability.pods);
  const newPods = new Set(after.reachability.pods);
  const added = after.reachability.pods.filter(p => !oldPods.has(p));
  const removed = before.reachability.pods.filter(p => !newPods.has(p));
  const lines = [
    `## Network reachability: \`${before.path}\` → \`${after.path}\``,
    '',
    `Before: ${plural(before.input.files.length, 'file')}, ${plural(oldPods.size, 'pod')}. `
      + `After: ${plural(after.input.files.length, 'file')}, ${plural(newPods.size, 'pod')}.`,
  ];
  if (added.length > 0) lines.push(`Pods added: ${added.map(p => `\`${p}\``).join(', ')}.`);
  if (removed.length > 0) lines.push(`Pods removed: ${removed.map(p => `\`${p}\``).join(', ')}.`);
  lines.push('', change.toMarkdown().trimEnd());
  return lines.join('\n') + '\n';
}

function jsonReport(before: Side, after: Side, change: ReachabilityDiff): string {
  const side = (s: Side) => ({ path: s.path, files: s.input.files, pods: s.reachability.pods });
  const flow = (c: FlowChange) => ({
    from: c.source,
    fromKind: c.sourceKind ?? 'pod',
    to: c.destination,
    toKind: c.destinationKind ?? 'pod',
    ports: c.ports.map(portJson),
    description: c.description,
    wholeFlow: c.wholeFlow,
  });
  const findings = (list: AuditFinding[]) => list.map(findingJson);
  const document = {
    before: side(before),
    after: side(after),
    changed: !change.isEmpty,
    opened: change.opened.map(flow),
    closed: change.closed.map(flow),
    findingsAdded: findings(change.findingsAdded),
    findingsResolved: findings(change.findingsResolved),
  };
  return JSON.stringify(document, undefined, 2) + '\n';
}

/** The flow changes as a table (one row per change) or as a drawing (opened and closed edges). */
function changeOutput(change: ReachabilityDiff, format: OutputFormat): string {
  const rows = (list: FlowChange[], what: string) => list.map(c => [what, endpointText(c.source, c.sourceKind),
    endpointText(c.destination, c.destinationKind), c.description, c.wholeFlow ? 'whole flow' : 'some ports']);
  const table: Table = { columns: ['Change', 'From', 'To', 'Ports', 'Scope'], rows: [...rows(change.opened, 'opened'), ...rows(change.closed, 'closed')] };
  const edges: Edge[] = table.rows.map(([what, from, to, ports]) => ({ from, to, label: `${what === 'opened' ? '+' : '-'} ${ports}` }));
  return render(format, 'diff', table, edges);
}
