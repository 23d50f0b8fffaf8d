import { AllowedFlow } from './allowed-flow';

/*
 * A Mermaid `flowchart LR` of the allowed flows: one node per modelled pod, grouped in a subgraph per
 * namespace, one edge per allowed pair labelled with its ports. Node ids are positional (p0, p1, ...)
 * over the sorted pods, so the same input always renders the same text.
 */

/** Renders pods (as `namespace/pod`, sorted) and flows between them as a Mermaid flowchart. */
export function renderMermaid(pods: readonly string[], flows: readonly AllowedFlow[]): string {
  const ids = new Map(pods.map((pod, i) => [pod, `p${i}`]));
  const lines = ['flowchart LR'];
  const namespaces = [...new Set(pods.map(namespaceOf))];
  namespaces.forEach((ns, k) => {
    lines.push(`  subgraph ns${k}["namespace ${escape(ns)}"]`);
    for (const pod of pods.filter(p => namespaceOf(p) === ns)) {
      lines.push(`    ${ids.get(pod)}["${escape(pod.slice(ns.length + 1))}"]`);
    }
    lines.push('  end');
  });
  for (const flow of flows) {
    lines.push(`  ${ids.get(flow.source)} -->|"${escape(flow.description)}"| ${ids.get(flow.destination)}`);
  }
  return lines.join('\n') + '\n';
}

function namespaceOf(pod: string): string {
  return pod.slice(0, pod.indexOf('/'));
}

/** Mermaid labels are quoted; quotes and angle brackets become entity codes. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
