import { OptionSpec, parseArguments, valueOf } from './arguments';
import type { CliIo } from './cli-io';
import { ExitStatus } from './exit-status';
import { readManifestInput } from './input';
import { failsFast, MODEL_OPTIONS, reachabilityOf } from './model-options';
import { parsePortArgument } from './port-argument';
import { portJson } from './report';
import { resolveTierEndpoint } from './tier-endpoint';
import { EVAL_USAGE } from './usage';
import { ReachabilityEndpoint } from '../analysis/reachability';
import { parseAddress } from '../core/cidr';
import { netsecError } from '../core/errors';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'from', takesValue: true },
  { name: 'to', takesValue: true },
  { name: 'port', takesValue: true },
  { name: 'json', takesValue: false },
  ...MODEL_OPTIONS,
  { name: 'fail-on-unknown', takesValue: false },
  { name: 'help', takesValue: false },
];

/**
 * `cdk8s-netsec eval`: one question, "may --from open a connection to --to on --port?"; prints the answer
 * and the explanation. Exit 0 allowed, 1 denied, 2 usage or input error.
 */
export function evaluate(argv: readonly string[], io: CliIo): number {
  const args = parseArguments('eval', argv, OPTIONS);
  if (args.switches.has('help')) {
    io.stdout.write(EVAL_USAGE);
    return ExitStatus.OK;
  }
  // Every usage error is reported before any file is read.
  const missing = ['from', 'to', 'port'].filter(name => valueOf(args, name) === undefined);
  if (missing.length > 0) {
    throw netsecError('cdk8s-netsec eval', `needs ${missing.map(m => `--${m}`).join(', ')}`, argv.join(' '),
      'Write cdk8s-netsec eval --from <ns/pod|ip> --to <ns/pod|ip> --port tcp/443 <paths...>.');
  }
  if (args.operands.length === 0) {
    throw netsecError('cdk8s-netsec eval', 'needs the manifests to evaluate', argv.join(' '),
      'Give YAML or JSON files or directories (or - for standard input) after the options.');
  }
  const given = { from: parseEndpoint(valueOf(args, 'from')!, 'from'), to: parseEndpoint(valueOf(args, 'to')!, 'to') };
  const port = parsePortArgument(valueOf(args, 'port')!, 'port');
  const input = readManifestInput(args.operands, { ...io, failFast: failsFast(args) });
  const reachability = reachabilityOf(args, input);
  const from = resolveTierEndpoint(given.from, input.objects, reachability.pods, 'from');
  const to = resolveTierEndpoint(given.to, input.objects, reachability.pods, 'to');
  for (const note of [from.note, to.note]) if (note !== undefined) io.stderr.write(note);
  const explanation = reachability.explain(from.endpoint, to.endpoint, port);
  const notAnalysed = reachability.notAnalysed;
  if (notAnalysed.length > 0) {
    io.stderr.write(`Note: ${notAnalysed.length} policy part${notAnalysed.length === 1 ? ' was' : 's were'} read but not analysed; the answer does not account for them:\n`
      + notAnalysed.map(n => `  ${n}\n`).join(''));
  }
  if (args.switches.has('json')) {
    const side = (v: typeof explanation.egress) => ({
      allowed: v.allowed,
      isolated: v.isolated,
      outsideCluster: v.outsideCluster,
      allowedBy: v.allowedBy,
      isolatedBy: v.isolatedBy,
      ...(v.decidedBy !== undefined ? { decidedBy: v.decidedBy } : {}),
      reason: v.reason,
    });
    io.stdout.write(JSON.stringify({
      from: valueOf(args, 'from'),
      to: valueOf(args, 'to'),
      port: portJson(port),
      allowed: explanation.allowed,
      certain: explanation.certain,
      caveats: explanation.caveats,
      selfTraffic: explanation.selfTraffic,
      egress: side(explanation.egress),
      ingress: side(explanation.ingress),
      text: explanation.text,
    }, undefined, 2) + '\n');
  } else {
    io.stdout.write(explanation.text + '\n');
  }
  if (!explanation.certain && args.switches.has('fail-on-unknown')) return ExitStatus.UNCERTAIN;
  return explanation.allowed ? ExitStatus.OK : ExitStatus.FAILED;
}

/** `ns/pod`, `pod` (namespace default), an IPv4/IPv6 address, or (as the source) `ingress-controller`. */
function parseEndpoint(text: string, option: string): ReachabilityEndpoint {
  if (parseAddress(text) !== undefined) return { ip: text };
  if (text === 'ingress-controller' || text === '{ingress-controller}') return { ingressController: true };
  const parts = text.split('/');
  if (parts.length > 2 || parts.some(p => p.length === 0)) {
    throw netsecError(`cdk8s-netsec eval --${option}`, 'is neither namespace/pod nor an IP address', text,
      'Write a pod as namespace/pod (e.g. shop/web), or an address such as 203.0.113.7.');
  }
  return parts.length === 1 ? { pod: parts[0] } : { namespace: parts[0], pod: parts[1] };
}
