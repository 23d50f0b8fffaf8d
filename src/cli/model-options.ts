import { listOf, OptionSpec, ParsedArguments } from './arguments';
import type { ManifestInput } from './input';
import { Reachability } from '../analysis/reachability';

/*
 * The options that decide how a command models the manifests it reads (which pods exist, where pods
 * without an address are, how input problems stop it). analyze, eval and diff share them, so that the
 * same flags build the same model in every command.
 */

/** `--no-infer-pods`, `--fail-fast` and `--pod-cidr`. */
export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: 'no-infer-pods', takesValue: false },
  { name: 'fail-fast', takesValue: false },
  { name: 'pod-cidr', takesValue: true, repeatable: true },
];

/** True when `--fail-fast` was given. */
export function failsFast(args: ParsedArguments): boolean {
  return args.switches.has('fail-fast');
}

/** The analyzer over what a command read, modelled as the shared options say. */
export function reachabilityOf(args: ParsedArguments, input: ManifestInput): Reachability {
  return Reachability.fromManifests(input.objects, {
    inferPods: !args.switches.has('no-infer-pods'),
    sourceNames: input.origins,
    failFast: failsFast(args),
    ...(args.values.has('pod-cidr') ? { podNetwork: listOf(args, 'pod-cidr') } : {}),
  });
}
