import type { IntentModel } from './intent-model';
import type { IsolatedGroup } from './isolated-group';
import { mirrorSelection } from './mirrors';
import type { Flow } from './records';
import { Selection } from './selection';

/*
 * Which isolated groups receive which flows, known as intent is declared. A renderer that emits one object
 * per receiving group (an Istio ALLOW policy) must create it while the app is built, not when it is
 * validated, yet a group can start receiving flows in several ways: a flow declared into it, a flow whose
 * destination selects all its pods (a namespace isolation around a tier, a raw selector), declared before
 * or after the group, and a baseline that isolates its namespace later. This follows each of them
 * incrementally, with the model's own mirroring rule, so that the cost stays that of one mirroring pass.
 */

/**
 * Calls `observer(group, flow)` once for every flow into an isolated group of the app: each flow whose
 * destination is the group, and each flow mirrored onto the group's ingress (its destination selects
 * every pod of the group, and the group isolates ingress). Pairs already known are reported at once,
 * later ones as the intent that makes them arrives. Mirroring depends on a namespace's labels, which a
 * later mesh may add: a pair is reported when it appears and never withdrawn.
 */
export function observeFlowsInto(model: IntentModel, observer: (group: IsolatedGroup, flow: Flow) => void): void {
  const reported = new Map<IsolatedGroup, Set<Flow>>();
  // Flows that select every pod of a group whose ingress is not isolated (yet).
  const waiting = new Map<IsolatedGroup, Set<Flow>>();
  const report = (group: IsolatedGroup, flow: Flow) => {
    const seen = reported.get(group) ?? new Set<Flow>();
    if (seen.has(flow)) return;
    reported.set(group, seen.add(flow));
    waiting.get(group)?.delete(flow);
    observer(group, flow);
  };
  const consider = (group: IsolatedGroup, flow: Flow) => {
    if (flow.destination === group) return report(group, flow);
    if (reported.get(group)?.has(flow) || mirrorSelection(flow, 'destination', group) !== Selection.ALL) return;
    if (group.isIngressIsolated()) report(group, flow);
    else waiting.set(group, (waiting.get(group) ?? new Set<Flow>()).add(flow));
  };
  model.observe({
    flowAdded: (flow) => model.isolatedGroups.forEach((group) => consider(group, flow)),
    serviceAdded: () => undefined,
    groupAdded: (group) => model.flows.forEach((flow) => consider(group, flow)),
    scopeChanged: () => {
      // A baseline may isolate a waiting group; new namespace labels may make a namespace selector select one.
      for (const [group, flows] of [...waiting]) [...flows].forEach((flow) => consider(group, flow));
      const byLabels = model.flows.filter((flow) => flow.destination.toPeerConfig().namespaceSelector !== undefined);
      if (byLabels.length > 0) model.isolatedGroups.forEach((group) => byLabels.forEach((flow) => consider(group, flow)));
    },
  });
}
