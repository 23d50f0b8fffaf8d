import { exposureJson, exposureText } from '../analysis/exposure-report';
import { Reachability } from '../analysis/reachability';
import { netsecError } from '../errors';
import { Port } from '../port';
import { listOf, OptionSpec, parseArguments, valueOf } from './arguments';
import { ExitStatus } from './exit-status';
import { readManifestInput } from './input';
import { parsePortArgument } from './port-argument';
import { checkIgnored, failing, findingJson, findingText, parseFailOn, plural, portJson, SEVERITIES_DESCENDING, severityCounts } from './report';
import type { CliIo } from './run';
import { ANALYZE_USAGE } from './usage';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'fail-on', takesValue: true },
  { name: 'ignore', takesValue: true, repeatable: true },
  { name: 'flows', takesValue: false },
  { name: 'matrix', takesValue: false },
  { name: 'port', takesValue: true, repeatable: true },
  { name: 'mermaid', takesValue: false },
  { name: 'exposure', takesValue: false },
  { name: 'json', takesValue: false },
  { name: 'no-infer-pods', takesValue: false },
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

  const input = readManifestInput(args.operands, io);
  const reachability = Reachability.fromManifests(input.objects, { inferPods: !args.switches.has('no-infer-pods') });
  const findings = reachability.audit({ ignore });
  const failures = failing(findings, failOn);
  const report: AnalyzeReport = {
    files: input.files,
    objectCount: input.objects.length,
    reachability,
    findings,
    failOn: failOn ?? 'none',
    failingCount: failures.length,
    ignore,
    flows: args.switches.has('flows'),
    matrixPorts: ports,
    mermaid: args.switches.has('mermaid'),
    exposure: args.switches.has('exposure'),
  };
  io.stdout.write(args.switches.has('json') ? jsonReport(report) : textReport(report));
  return failures.length > 0 ? ExitStatus.FAILED : ExitStatus.OK;
}

interface AnalyzeReport {
  readonly files: string[];
  readonly objectCount: number;
  readonly reachability: Reachability;
  readonly findings: ReturnType<Reachability['audit']>;
  readonly failOn: string;
  readonly failingCount: number;
  readonly ignore: string[];
  readonly flows: boolean;
  readonly matrixPorts: Port[];
  readonly mermaid: boolean;
  readonly exposure: boolean;
}

function textReport(report: AnalyzeReport): string {
  const r = report.reachability;
  const lines = [
    `Analyzed ${plural(report.files.length, 'file')}: ${plural(report.objectCount, 'object')}, `
      + `${plural(r.pods.length, 'pod')} in ${plural(r.namespaces.length, 'namespace')}, `
      + `${plural(r.objectsOfKind('NetworkPolicy').length, 'NetworkPolicy', 'NetworkPolicies')}.`,
  ];
  if (report.ignore.length > 0) lines.push(`Ignored rules: ${report.ignore.join(', ')}.`);
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('Findings: none.', '');
  } else {
    lines.push(`Findings (${report.findings.length}: ${severityCounts(report.findings)}):`, '');
    for (const finding of report.findings) lines.push(findingText(finding), '');
  }
  if (report.flows) {
    const flows = r.flows();
    lines.push(`Allowed flows (${flows.length}):`);
    lines.push(...flows.map(f => `  ${f.source} -> ${f.destination}: ${f.description}`));
    if (flows.length === 0) lines.push('  none: no modelled pod may connect to another');
    lines.push('');
  }
  for (const port of report.matrixPorts) lines.push(r.matrix(port).toString(), '');
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
    findings: report.findings.map(findingJson),
    summary: {
      findings: report.findings.length,
      ...counts,
      failOn: report.failOn,
      failing: report.failingCount,
      ignored: report.ignore,
    },
    ...(report.flows
      ? { flows: r.flows().map(f => ({ from: f.source, to: f.destination, ports: f.ports.map(portJson), description: f.description })) }
      : {}),
    ...(report.matrixPorts.length > 0 ? { matrices: report.matrixPorts.map(port => matrixJson(r, port)) } : {}),
    ...(report.mermaid ? { mermaid: r.toMermaid() } : {}),
    ...(report.exposure ? { exposure: exposureJson(r.exposure(), portJson) } : {}),
  };
  return JSON.stringify(document, undefined, 2) + '\n';
}

function matrixJson(r: Reachability, port: Port): object {
  const matrix = r.matrix(port);
  return { port: portJson(port), pods: matrix.pods, allowed: matrix.allowedPairs().map(p => ({ from: p.source, to: p.destination })) };
}
