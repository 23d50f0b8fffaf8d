/* The --help texts. Kept next to each other so that the options read the same in every command. */

// The help lines of the options several commands share, written once.
const FAIL_FAST = `  --fail-fast           Stop at the first unreadable file or object instead of listing them all.
`;
const POD_CIDR = `  --pod-cidr <cidrs>    The cluster's pod network (comma-separated or repeated), where pods without a
                        known IP have theirs. Default: every private IPv4 range (10.0.0.0/8,
                        100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16). Address rules covering part
                        of it make answers about such pods uncertain.
`;
const FAIL_ON_UNKNOWN = `  --fail-on-unknown     Exit 3 when an answer depends on what the analyzer does not know or evaluate
                        (uncertain verdicts, exposure caveats, parts listed as not analysed).
`;
const NO_INFER_PODS = `  --no-infer-pods       Model only the pods of Pod and workload objects. By default, each
                        NetworkPolicy podSelector that selects none of them also gets one
                        representative pod named after the policy, so the output of IsolatedTiers
                        (policies without workloads) has pods and flows.
`;

/** The overview printed by `cdk8s-netsec --help`. */
export const MAIN_USAGE = `Usage: cdk8s-netsec <command> [options]

Commands:
  analyze <paths...>   Audit synthesized YAML; print the findings, and on request the flows,
                       a reachability matrix or a Mermaid diagram.
  diff <old> <new>     The flows a change opens and closes, and the findings it adds and resolves.
  eval --from <a> --to <b> --port <p> <paths...>
                       Whether one connection is allowed, and why.
  help [command]       Print this text, or a command's options.
  --version            Print the version of the installed package.

Paths are YAML or JSON files (kubectl get -o yaml/-o json output, List and PodList-style lists
included), directories (every *.yaml, *.yml and *.json inside, recursively, in sorted order;
YAML documents there that are not Kubernetes objects are skipped and listed; JSON files without
any, such as the construct-metadata.json cdk8s synth writes, are ignored), or - for standard input
(YAML or JSON). Every unreadable document is reported in one run; --fail-fast stops at the first.

Exit status: 0 ok; 1 findings at or above --fail-on (for diff, a change with --fail-on-change; for
eval, a denied connection); 2 usage error or unreadable or invalid input.
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
  --addresses           With --matrix: add rows and columns for the IPv4 ranges outside the cluster
                        (the largest ranges in which every pod's answer is the same).
  --mermaid             Print a Mermaid flowchart of the allowed flows (in a \`\`\`mermaid block).
  --exposure            Print what can reach each workload: outside address ranges, a pod of any
                        namespace, a new pod of its own namespace, and the Services, Ingresses and
                        Gateway routes that lead to it.
  --json                Print one JSON document instead of text: files, pods, findings and summary,
                        plus flows, matrices, mermaid and exposure when asked for.
  --output <format>     With --flows or --exposure: print only that report, as text, json, md
                        (Markdown table), csv, dot (Graphviz) or mermaid. Default: the full text report.
  --by-workload         With --flows: one entry per workload (namespace/name[Kind]) instead of per pod.
  --address-ranges <m>  With --flows: how address ranges outside the cluster are cut: maximal
                        (adjacent ranges with the same ports merged; default) or policy-blocks
                        (every range the policies' CIDRs delimit, as netpol-analyzer prints).
${FAIL_FAST}${POD_CIDR}${FAIL_ON_UNKNOWN}${NO_INFER_PODS}  -h, --help            Print this text.
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
  --output <format>     md (default), json, text, csv, dot or mermaid: csv and text list one line per
                        change; dot and mermaid draw opened (green) and closed (red) flows.
${FAIL_FAST}${POD_CIDR}${NO_INFER_PODS}  -h, --help            Print this text.
`;

/** The options of `eval`. */
export const EVAL_USAGE = `Usage: cdk8s-netsec eval --from <endpoint> --to <endpoint> --port <port> [options] <paths...>

Answers one question: may --from open a connection to --to on --port? Prints the answer and the
explanation: each side's deciding policies and rules (AdminNetworkPolicy, ClusterNetworkPolicy,
NetworkPolicy, Cilium, BaselineAdminNetworkPolicy).

Endpoints: a modelled pod as namespace/pod (a Pod, or a workload's name; a tier's construct id names
the pods its NetworkPolicy selects, whatever workload they come from), an IPv4/IPv6 address
(a known pod IP stands for its pod; any other address is outside the cluster), or, as --from,
ingress-controller: the ingress data plane (admitted only by rules for every pod of every namespace).

Options:
  --from <endpoint>     The source.
  --to <endpoint>       The destination.
  --port <port>         tcp/443, udp/53, sctp/9000, 443 (TCP), or a container port name (tcp/http).
  --json                Print one JSON document: the answer, both sides and the text.
  --no-infer-pods       Model only the pods of Pod and workload objects (see analyze --help).
${FAIL_FAST}${POD_CIDR}${FAIL_ON_UNKNOWN}  -h, --help            Print this text.

Exit status: 0 allowed; 1 denied; 2 usage error or unreadable or invalid input.
`;
