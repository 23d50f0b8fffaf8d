import { listOf, OptionSpec, parseArguments, valueOf } from './arguments';
import type { CliIo } from './cli-io';
import { ExitStatus } from './exit-status';
import { readManifestInput } from './input';
import { failsFast, MODEL_OPTIONS, reachabilityOf } from './model-options';
import { Edge, endpointText, flowReport, OutputFormat, parseOutputFormat, render } from './output-format';
import { parsePortArgument } from './port-argument';
import { checkIgnored, failing, findingJson, findingText, parseFailOn, plural, portJson, SEVERITIES_DESCENDING, severityCounts } from './report';
import { ANALYZE_USAGE } from './usage';
import { Reachability } from '../analysis/reachability';
import { AllowedFlow } from '../analysis/report/allowed-flow';
import { WorkloadExposure } from '../analysis/report/exposure';
import { exposureCsv, exposureJson, exposureMarkdown, exposureText } from '../analysis/report/exposure-report';
import { AddressRanges, FlowsOptions } from '../analysis/report/flows-options';
import { AcceptanceEntry, acceptanceLine, listAcceptances } from '../audit/acceptance-list';
import { netsecError } from '../core/errors';
import { Port } from '../core/port';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'fail-on', takesValue: true },
  { name: 'ignore', takesValue: true, repeatable: true },
  { name: 'flows', takesValue: false },
  { name: 'matrix', takesValue: false },
  { name: 'port', takesValue: true, repeatable: true },
  { name: 'mermaid', takesValue: false },
  { name: 'exposure', takesValue: false },
  { name: 'json', takesValue: false },
  { name: 'output', takesValue: true },
  { name: 'by-workload', takesValue: false },
  { name: 'addresses', takesValue: false },
  { name: 'address-ranges', takesValue: true },
  ...MODEL_OPTIONS,
  { name: 'fail-on-unknown', takesValue: false },
  { name: 'help', takesValue: false },
];

/** `cdk8s-netsec analyze`: audits the manifests and prints what was asked for; returns the exit status. */
export function analyze(argv: readonly string[], io: CliIo): number {
  const args = parseArguments('analyze', argv, OPTIONS);
  if (args.switches.has('help')) {
    io.stdout.write(ANALYZE_USAGE);
    return ExitStatus.OK;
  }
  // Every usage error is reported before any file is read.
  if (args.operands.length === 0) {
    throw netsecError('cdk8s-netsec analyze', 'needs the YAML to analyze', argv.join(' '),
      'Give YAML files or directories, e.g. cdk8s-netsec analyze dist/.');
  }
  const failOn = parseFailOn(valueOf(args, 'fail-on') ?? 'high', 'analyze');
  const ignore = checkIgnored(listOf(args, 'ignore'), 'analyze');
  const ports = (args.values.get('port') ?? []).map(text => parsePortArgument(text, 'port'));
  const wantsMatrix = args.switches.has('matrix');
  if (wantsMatrix && ports.length === 0) {
    throw netsecError('cdk8s-netsec analyze --matrix', 'needs the port the matrix is about', 'no --port',
      'Add --port, e.g. --matrix --port tcp/8080; --flows lists every allowed port of every pair instead.');
  }
  if (!wantsMatrix && ports.length > 0) {
    throw netsecError('cdk8s-netsec analyze --port', 'only applies to --matrix', args.values.get('port'),
      'Add --matrix to print the reachability matrix for that port.');
  }

  if (args.switches.has('addresses') && !wantsMatrix) {
    throw netsecError('cdk8s-netsec analyze --addresses', 'only applies to --matrix', 'addresses',
      'Add --matrix --port <port>; --flows always lists the address ranges.');
  }
  const output = valueOf(args, 'output') === undefined ? undefined : parseOutputFormat(valueOf(args, 'output')!, 'analyze');
  const flowOptions = parseFlowOptions(args.switches.has('by-workload'), valueOf(args, 'address-ranges'));
  const wantsFlows = args.switches.has('flows');
  const wantsExposure = args.switches.has('exposure');
  for (const [name, given] of [['by-workload', args.switches.has('by-workload')], ['address-ranges', args.values.has('address-ranges')]] as const) {
    if (given && !wantsFlows) {
      throw netsecError(`cdk8s-netsec analyze --${name}`, 'only applies to --flows', name, `Add --flows to list the allowed flows, e.g. --flows --${name} ...`);
    }
  }
  if (output !== undefined && wantsFlows === wantsExposure) {
    throw netsecError('cdk8s-netsec analyze --output', wantsFlows ? 'prints one report, and both --flows and --exposure are given' : 'only applies to --flows or --exposure',
      output, 'Add --flows to print the allowed flows, or --exposure to print what can reach each workload, in that format.');
  }
  if (output !== undefined && (wantsMatrix || args.switches.has('mermaid') || args.switches.has('json'))) {
    throw netsecError('cdk8s-netsec analyze --output', 'prints the flows alone and cannot be combined with --matrix, --mermaid or --json', output,
      'Drop --output for the full report, or use --output json / --output mermaid for the flows alone.');
  }

  const input = readManifestInput(args.operands, { ...io, failFast: failsFast(args) });
  const reachability = reachabilityOf(args, input);
  if (output !== undefined) {
    io.stdout.write(wantsExposure ? exposureOutput(reachability.exposure(), output) : flowsOutput(reachability.flows(flowOptions), output));
    return args.switches.has('fail-on-unknown') && unknowns(reachability) > 0 ? ExitStatus.UNCERTAIN : ExitStatus.OK;
  }
  const findings = reachability.audit({ ignore });
  const failures = failing(findings, failOn);
  const report: AnalyzeReport = {
    files: input.files,
    skipped: input.skipped,
    flowOptions,
    objectCount: input.objects.length,
    reachability,
    findings,
    acceptances: listAcceptances(input.objects, object => input.origins[input.objects.indexOf(object)]),
    failOn: failOn ?? 'none',
    failingCount: failures.length,
    ignore,
    flows: args.switches.has('flows'),
    matrixPorts: ports,
    matrixAddresses: args.switches.has('addresses'),
    mermaid: args.switches.has('mermaid'),
    exposure: args.switches.has('exposure'),
  };
  io.stdout.write(args.switches.has('json') ? jsonReport(report) : textReport(report));
  if (failures.length > 0) return ExitStatus.FAILED;
  return args.switches.has('fail-on-unknown') && unknowns(reachability) > 0 ? ExitStatus.UNCERTAIN : ExitStatus.OK;
}

interface AnalyzeReport {
  readonly files: string[];
  readonly skipped: string[];
  readonly flowOptions: FlowsOptions;
  readonly objectCount: number;
  readonly reachability: Reachability;
  readonly findings: ReturnType<Reachability['audit']>;
  readonly acceptances: AcceptanceEntry[];
  readonly failOn: string;
  readonly failingCount: number;
  readonly ignore: string[];
  readonly flows: boolean;
  readonly matrixPorts: Port[];
  readonly matrixAddresses: boolean;
  readonly mermaid: boolean;
  readonly exposure: boolean;
}

function textReport(report: AnalyzeReport): string {
  const r = report.reachability;
  const lines = [
    `Analyzed ${plural(report.files.length, 'file')}: ${plural(report.objectCount, 'object')}, `
      + `${plural(r.pods.length, 'pod')} in ${plural(r.namespaces.length, 'namespace')}, `
      + `${[
        plural(r.objectsOfKind('NetworkPolicy').length, 'NetworkPolicy', 'NetworkPolicies'),
        ...['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']
          .map(kind => [kind, r.objectsOfKind(kind).length] as const)
          .filter(([, count]) => count > 0)
          .map(([kind, count]) => plural(count, kind, `${kind.slice(0, -1)}ies`)),
      ].join(', ')}.`,
  ];
  if (report.ignore.length > 0) lines.push(`Ignored rules: ${report.ignore.join(', ')}.`);
  lines.push('');
  if (report.skipped.length > 0) {
    lines.push(`Skipped (${report.skipped.length}, not Kubernetes objects):`, ...report.skipped.map(s => `  ${s}`), '');
  }
  const notAnalysed = r.notAnalysed;
  if (notAnalysed.length > 0) {
    lines.push(`Not analysed (${notAnalysed.length}; read, but not part of the verdicts):`, ...notAnalysed.map(s => `  ${s}`), '');
  }
  if (report.findings.length === 0) {
    lines.push('Findings: none.', '');
  } else {
    lines.push(`Findings (${report.findings.length}: ${severityCounts(report.findings)}):`, '');
    for (const finding of report.findings) lines.push(findingText(finding), '');
  }
  if (report.acceptances.length > 0) {
    lines.push(`Acceptances (${report.acceptances.length}; findings accepted on purpose, never failing):`, ...report.acceptances.map(a => `  ${acceptanceLine(a)}`), '');
  }
  if (report.flows) {
    const flows = r.flows(report.flowOptions);
    lines.push(`Allowed flows (${flows.length}):`);
    lines.push(...flows.map(f => `  ${endpointText(f.source, f.sourceKind)} -> ${endpointText(f.destination, f.destinationKind)}: ${f.description}`));
    if (flows.length === 0) lines.push('  none: no modelled pod may connect to another');
    lines.push('');
  }
  for (const port of report.matrixPorts) lines.push(r.matrix(port, { includeAddresses: report.matrixAddresses }).toString(), '');
  if (report.mermaid) lines.push('```mermaid', r.toMermaid().trimEnd(), '```', '');
  if (report.exposure) lines.push('Exposure (what can reach each workload):', '', exposureText(r.exposure()));
  lines.push(resultLine(report));
  return lines.join('\n') + '\n';
}

function resultLine(report: AnalyzeReport): string {
  if (report.failOn === 'none') return 'Result: pass (--fail-on none).';
  if (report.failingCount === 0) return `Result: pass: no finding at or above ${report.failOn}.`;
  return `Result: fail: ${plural(report.failingCount, 'finding')} at or above ${report.failOn} (--fail-on ${report.failOn}).`;
}

function jsonReport(report: AnalyzeReport): string {
  const r = report.reachability;
  const counts = Object.fromEntries(SEVERITIES_DESCENDING.map(s => [s, report.findings.filter(f => f.severity === s).length]));
  const document = {
    files: report.files,
    objects: report.objectCount,
    namespaces: r.namespaces,
    pods: r.pods,
    ...(report.skipped.length > 0 ? { skipped: report.skipped } : {}),
    ...(r.notAnalysed.length > 0 ? { notAnalysed: r.notAnalysed } : {}),
    findings: report.findings.map(findingJson),
    ...(report.acceptances.length > 0 ? { acceptances: report.acceptances } : {}),
    summary: {
      findings: report.findings.length,
      ...counts,
      failOn: report.failOn,
      failing: report.failingCount,
      ignored: report.ignore,
    },
    ...(report.flows ? { flows: r.flows(report.flowOptions).map(flowJson) } : {}),
    ...(report.matrixPorts.length > 0 ? { matrices: report.matrixPorts.map(port => matrixJson(r, port, report.matrixAddresses)) } : {}),
    ...(report.mermaid ? { mermaid: r.toMermaid() } : {}),
    ...(report.exposure ? { exposure: exposureJson(r.exposure(), portJson) } : {}),
  };
  return JSON.stringify(document, undefined, 2) + '\n';
}

function matrixJson(r: Reachability, port: Port, includeAddresses: boolean): object {
  const matrix = r.matrix(port, { includeAddresses });
  return {
    port: portJson(port),
    pods: matrix.pods,
    ...(includeAddresses ? { addressRanges: matrix.addressRanges } : {}),
    allowed: matrix.allowedPairs().map(p => ({ from: p.source, to: p.destination })),
  };
}

function parseFlowOptions(byWorkload: boolean, ranges: string | undefined): FlowsOptions {
  const known = new Map([['maximal', AddressRanges.MAXIMAL], ['policy-blocks', AddressRanges.POLICY_BLOCKS]]);
  const addressRanges = known.get((ranges ?? 'maximal').toLowerCase());
  if (addressRanges === undefined) {
    throw netsecError('cdk8s-netsec analyze --address-ranges', 'is not a way to cut address ranges', ranges, 'Use maximal or policy-blocks.');
  }
  return { includeExternal: true, byWorkload, addressRanges };
}

function flowJson(f: AllowedFlow): object {
  return { from: f.source, fromKind: f.sourceKind ?? 'pod', to: f.destination, toKind: f.destinationKind ?? 'pod', ports: f.ports.map(portJson), description: f.description };
}

function flowsOutput(flows: AllowedFlow[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(flows.map(flowJson), undefined, 2) + '\n';
  const { table, edges } = flowReport(flows);
  return render(format, 'flows', table, edges);
}

/** The exposure alone in one `--output` format; drawings have an edge from each way in to the workload. */
function exposureOutput(exposure: readonly WorkloadExposure[], format: OutputFormat): string {
  switch (format) {
    case 'json': return JSON.stringify(exposureJson(exposure, portJson), undefined, 2) + '\n';
    case 'md': return exposureMarkdown(exposure);
    case 'csv': return exposureCsv(exposure);
    case 'text': return exposureText(exposure);
    default: {
      const edges: Edge[] = [];
      for (const e of exposure) {
        for (const r of e.fromOutside) edges.push({ from: `${r.addresses} (external)`, to: e.workload, label: r.description });
        if (e.fromAnyNamespace.length > 0) edges.push({ from: 'any namespace', to: e.workload, label: e.fromAnyNamespaceDescription });
        if (e.fromOwnNamespace.length > 0) edges.push({ from: `its own namespace (${e.workload.split('/')[0]})`, to: e.workload, label: e.fromOwnNamespaceDescription });
        for (const p of e.paths.filter((x) => x.reachable)) edges.push({ from: p.resource, to: e.workload, label: p.description });
      }
      return render(format, 'exposure', { columns: [], rows: [] }, edges);
    }
  }
}

/**
 * What the analyzer read but does not evaluate, plus the exposure answers that depend on what it does
 * not know: --fail-on-unknown fails when there is any.
 */
function unknowns(r: Reachability): number {
  return r.notAnalysed.length + r.exposure().reduce((n, e) => n + e.caveats.length, 0);
}
