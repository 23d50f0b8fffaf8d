import { AllowedFlow } from '../analysis/report/allowed-flow';
import { FlowEndpointKind } from '../analysis/report/flow-endpoint-kind';
import { netsecError } from '../core/errors';

/*
 * The formats flows, diffs (and exposure) print in. Every report is a table (columns and rows of text)
 * plus, for drawings, edges between named nodes; the table renders as text, Markdown or CSV and the
 * edges as Graphviz DOT or Mermaid, so a new report only builds its table and edges.
 */

/** The `--output` values. */
export const OUTPUT_FORMATS = ['text', 'json', 'md', 'csv', 'dot', 'mermaid'] as const;
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** Reads `--output`; the usage error lists the formats. */
export function parseOutputFormat(text: string, command: string): OutputFormat {
  const format = text.toLowerCase() === 'markdown' ? 'md' : text.toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw netsecError(`cdk8s-netsec ${command} --output`, 'is not an output format', text, `Use one of ${OUTPUT_FORMATS.join(', ')}.`);
  }
  return format as OutputFormat;
}

/** Rows of text under named columns. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One edge of a drawing: from a node to a node, with a label; `group` clusters a node (its namespace). */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** A table as aligned text columns. */
export function tableText(table: Table): string {
  const widths = table.columns.map((c, k) => Math.max(c.length, ...table.rows.map(r => r[k].length)));
  const line = (cells: readonly string[]) => cells.map((cell, k) => (k === cells.length - 1 ? cell : cell.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(table.columns), ...table.rows.map(line)].join('\n') + '\n';
}

/** A table as a GitHub Markdown table; pipes and line breaks inside cells are escaped. */
export function tableMarkdown(table: Table): string {
  const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
  return [
    `| ${table.columns.map(cell).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map(r => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n') + '\n';
}

/** A table as RFC 4180 CSV: a header line, fields quoted when they hold a comma, quote or line break. */
export function tableCsv(table: Table): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [table.columns, ...table.rows].map(r => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Edges as a Graphviz digraph: nodes grouped in a cluster per namespace (the part before `/`). */
export function edgesDot(name: string, edges: readonly Edge[]): string {
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const nodes = [...new Set(edges.flatMap(e => [e.from, e.to]))].sort();
  const groups = new Map<string, string[]>();
  for (const node of nodes) {
    const slash = node.indexOf('/');
    const group = slash > 0 ? node.slice(0, slash) : '';
    groups.set(group, [...groups.get(group) ?? [], node]);
  }
  const lines = [`digraph ${quote(name)} {`, '  rankdir=LR;', '  node [shape=box];'];
  [...groups.keys()].sort().forEach((group, k) => {
    const members = groups.get(group)!;
    if (group === '') {
      for (const node of members) lines.push(`  ${quote(node)} [shape=ellipse];`);
      return;
    }
    lines.push(`  subgraph cluster_${k} {`, `    label=${quote(`namespace ${group}`)};`);
    for (const node of members) lines.push(`    ${quote(node)};`);
    lines.push('  }');
  });
  for (const edge of edges) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(edge.label)}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Edges as a Mermaid `flowchart LR`; node ids are positional over the sorted node names. */
export function edgesMermaid(edges: readonly Edge[]): string {
  const escape = (text: string) => text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  const nodes = [...new Set(edges.flatMap(e => [e.from, e.to]))].sort();
  const ids = new Map(nodes.map((node, i) => [node, `n${i}`]));
  return ['flowchart LR', ...nodes.map(node => `  ${ids.get(node)}["${escape(node)}"]`),
    ...edges.map(e => `  ${ids.get(e.from)} -->|"${escape(e.label)}"| ${ids.get(e.to)}`)].join('\n') + '\n';
}

/** A table in a table format, or edges in a drawing format. */
export function render(format: OutputFormat, name: string, table: Table, edges: readonly Edge[]): string {
  switch (format) {
    case 'md': return tableMarkdown(table);
    case 'csv': return tableCsv(table);
    case 'dot': return edgesDot(name, edges);
    case 'mermaid': return edgesMermaid(edges);
    default: return tableText(table);
  }
}

/** How a flow end reads in a report: a range is marked external, the ingress data plane and names as they are. */
export function endpointText(name: string, kind: FlowEndpointKind | undefined): string {
  if (kind === FlowEndpointKind.ADDRESS_RANGE) return `${name} (external)`;
  if (kind === FlowEndpointKind.FQDN) return `${name} (toFQDNs)`;
  return name;
}

/** Flows as a table (from, to, ports) and as edges labelled with their ports. */
export function flowReport(flows: readonly AllowedFlow[]): { table: Table; edges: Edge[] } {
  const rows = flows.map(f => [endpointText(f.source, f.sourceKind), endpointText(f.destination, f.destinationKind), f.description]);
  return {
    table: { columns: ['From', 'To', 'Ports'], rows },
    edges: rows.map(([from, to, label]) => ({ from, to, label })),
  };
}
