/* The --help texts. Kept next to each other so that the options read the same in every command. */

/** The overview printed by `cdk8s-netsec --help`. */
export const MAIN_USAGE = `Usage: cdk8s-netsec <command> [options]

Commands:
  analyze <paths...>   Audit synthesized YAML; print the findings, and on request the flows,
                       a reachability matrix or a Mermaid diagram.
  diff <old> <new>     The flows a change opens and closes, and the findings it adds and resolves.
  help [command]       Print this text, or a command's options.

Paths are YAML files, directories (every *.yaml and *.yml inside, recursively, in sorted order),
or - for standard input.

Exit status: 0 ok; 1 findings at or above --fail-on (or, for diff, a change with --fail-on-change);
2 usage error or unreadable or invalid input.
`;

/** The options of `analyze`. */
export const ANALYZE_USAGE = `Usage: cdk8s-netsec analyze [options] <paths...>

Reads synthesized Kubernetes YAML, models its pods and NetworkPolicies, and prints the audit findings.

Options:
  --fail-on <severity>  Exit 1 when a finding at or above this severity exists:
                        low, medium, high, critical, or none to never fail on findings. Default: high.
  --ignore <rules>      Leave out audit rules, by identifier or name, comma-separated or repeated
                        (e.g. --ignore NETSEC007,cidr-with-host-bits).
  --flows               List every allowed flow between modelled pods with its ports.
  --matrix              Print the reachability matrix for the port given with --port.
  --port <port>         The matrix's port: tcp/8080, udp/53, sctp/9000, 8080 (TCP), or a container
                        port name (tcp/http). Required with --matrix; repeat for several matrices.
  --mermaid             Print a Mermaid flowchart of the allowed flows (in a \`\`\`mermaid block).
  --exposure            Print what can reach each workload: outside address ranges, a pod of any
                        namespace, a new pod of its own namespace, and the Services, Ingresses and
                        Gateway routes that lead to it.
  --json                Print one JSON document instead of text: files, pods, findings and summary,
                        plus flows, matrices, mermaid and exposure when asked for.
  --no-infer-pods       Model only the pods of Pod and workload objects. By default, each
                        NetworkPolicy podSelector that selects none of them also gets one
                        representative pod named after the policy, so the output of IsolatedTiers
                        (policies without workloads) has pods and flows.
  -h, --help            Print this text.
`;

/** The options of `diff`. */
export const DIFF_USAGE = `Usage: cdk8s-netsec diff [options] <old> <new>

Compares two synthesized outputs (each a YAML file or a directory of them): the ports each pair of
pods may newly connect on (opened) or no longer connect on (closed), and the audit findings the change
adds and resolves. Prints Markdown for a pull-request review.

Options:
  --fail-on-change      Exit 1 when a flow opens or closes or a finding is added or resolved.
  --fail-on <severity>  Exit 1 when the change adds a finding at or above this severity:
                        low, medium, high, critical, or none. Default: none.
  --ignore <rules>      Leave out audit rules, by identifier or name, comma-separated or repeated.
  --json                Print one JSON document instead of Markdown.
  --no-infer-pods       Model only the pods of Pod and workload objects. By default, each
                        NetworkPolicy podSelector that selects none of them also gets one
                        representative pod named after the policy, so the output of IsolatedTiers
                        (policies without workloads) has pods and flows.
  -h, --help            Print this text.
`;
