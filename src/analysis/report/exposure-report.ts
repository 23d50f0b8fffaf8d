import { WorkloadExposure } from './exposure';
import { Port } from '../../core/port';

/*
 * Exposure as text, Markdown, CSV and JSON-ready objects, for the CLI and for the generated sections of
 * the examples' READMEs. Internal: not re-exported.
 */

function outside(e: WorkloadExposure): string[] {
  return e.fromOutside.map(r => `${r.addresses}: ${r.description}`);
}

function path(p: WorkloadExposure['paths'][number]): string {
  const verdict = p.reachable ? `admitted from ${p.admittedFrom.join('; ')}` : 'not admitted by the workload\'s policies';
  return `${p.resource}: ${p.description}; ${verdict}`;
}

/** One block per workload: outside ranges, any namespace, own namespace, paths in. */
export function exposureText(exposure: readonly WorkloadExposure[]): string {
  const lines: string[] = [];
  for (const e of exposure) {
    const ranges = outside(e);
    lines.push(`${e.workload} (${e.kind})`,
      `  from outside the cluster: ${ranges.length === 0 ? 'nothing' : ''}`.trimEnd(),
      ...ranges.map(r => `    ${r}`),
      `  from any namespace: ${e.fromAnyNamespaceDescription}`,
      `  from its own namespace: ${e.fromOwnNamespaceDescription}`,
      `  from the ingress controller (as a pod of any namespace): ${e.fromIngressControllerDescription}`,
      `  paths in: ${e.paths.length === 0 ? 'none' : ''}`.trimEnd(),
      ...e.paths.map(p => `    ${path(p)}`),
      ...(e.caveats.length > 0 ? ['  uncertain (the answers above depend on it):', ...e.caveats.map(c => `    ${c}`)] : []),
      '');
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** A Markdown table, one row per workload. */
export function exposureMarkdown(exposure: readonly WorkloadExposure[]): string {
  return [
    '| Workload | From outside the cluster | From any namespace | From its own namespace | Paths in |',
    '| --- | --- | --- | --- | --- |',
    ...exposure.map(e => `| ${[
      `${e.workload} (${e.kind})`,
      outside(e).join('<br>') || 'nothing',
      e.fromAnyNamespaceDescription,
      e.fromOwnNamespaceDescription,
      [...e.paths.map(path), ...e.caveats.map(c => `uncertain: ${c}`)].join('<br>') || 'none',
    ].map(cell).join(' | ')} |`),
  ].join('\n') + '\n';
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a header: one row per workload and source (outside range, any namespace, own namespace, path). */
export function exposureCsv(exposure: readonly WorkloadExposure[]): string {
  const rows: string[][] = [['workload', 'kind', 'source', 'detail', 'ports', 'reachable']];
  for (const e of exposure) {
    for (const r of e.fromOutside) rows.push([e.workload, e.kind, 'outside', r.addresses, r.description, 'true']);
    rows.push([e.workload, e.kind, 'any-namespace', '', e.fromAnyNamespaceDescription, String(e.fromAnyNamespace.length > 0)]);
    rows.push([e.workload, e.kind, 'own-namespace', '', e.fromOwnNamespaceDescription, String(e.fromOwnNamespace.length > 0)]);
    rows.push([e.workload, e.kind, 'ingress-controller', '', e.fromIngressControllerDescription, String(e.fromIngressController.length > 0)]);
    for (const p of e.paths) rows.push([e.workload, e.kind, p.kind, `${p.resource}: ${p.description}`, p.targetPorts.map(t => t.toString()).join(' '), String(p.reachable)]);
    for (const c of e.caveats) rows.push([e.workload, e.kind, 'uncertain', c, '', 'unknown']);
  }
  return rows.map(row => row.map(csvField).join(',')).join('\n') + '\n';
}

/** The exposure as plain JSON-ready objects; ports through `portJson`. */
export function exposureJson(exposure: readonly WorkloadExposure[], portJson: (port: Port) => object): object[] {
  return exposure.map(e => ({
    workload: e.workload,
    kind: e.kind,
    fromOutside: e.fromOutside.map(r => ({ addresses: r.addresses, cidrs: r.cidrs, ports: r.ports.map(portJson), description: r.description })),
    fromAnyNamespace: { ports: e.fromAnyNamespace.map(portJson), description: e.fromAnyNamespaceDescription },
    fromOwnNamespace: { ports: e.fromOwnNamespace.map(portJson), description: e.fromOwnNamespaceDescription },
    fromIngressController: { ports: e.fromIngressController.map(portJson), description: e.fromIngressControllerDescription },
    paths: e.paths.map(p => ({
      kind: p.kind,
      resource: p.resource,
      description: p.description,
      targetPorts: p.targetPorts.map(portJson),
      admittedFrom: p.admittedFrom,
      reachable: p.reachable,
    })),
    ...(e.caveats.length > 0 ? { caveats: e.caveats } : {}),
  }));
}
