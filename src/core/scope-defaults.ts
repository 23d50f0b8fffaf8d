import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { netsecError } from './errors';
import { toDnsLabel } from './names';
import { checkNamespace } from './peer';

/*
 * What a construct takes from where it sits in the tree when its props leave it out: the namespace of
 * its chart, and a readable name made of its construct ids.
 */

/** The namespace from props, else the chart's, else an error that says how to set it. */
export function resolveNamespace(scope: IConstruct, id: string, namespace: string | undefined): string {
  const path = `${scope.node.path}/${id}`;
  const resolved = namespace ?? Chart.of(scope).namespace;
  if (resolved === undefined) {
    throw netsecError(path, 'no namespace is set', namespace,
      'Pass namespace in the props, or give the chart one: new Chart(app, "id", { namespace: "shop" }).');
  }
  return checkNamespace(path, resolved);
}

/** A readable DNS-1123 name from the construct ids below the chart, ending with `id`. */
export function defaultName(scope: IConstruct, id: string): string {
  const chart = Chart.of(scope);
  const ids = scope.node.scopes.slice(chart.node.scopes.length).map((s) => s.node.id);
  return toDnsLabel([...ids, id]);
}
