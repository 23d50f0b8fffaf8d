import { NAMESPACE_NAME_LABEL, PeerConfig } from '../core/peer';
import { LabelOperator, LabelSelector } from '../core/selector';

/*
 * How much of an isolated group of pods a peer selects, judged from selectors alone (no pods are known):
 * a tier is "pods carrying these labels in this namespace", a namespace isolation "every pod of this
 * namespace". The answer decides whether a flow declared with a raw selector must also be written on
 * the group's policy (both sides of a flow), or cannot be written exactly.
 */

/** How a peer's pods relate to the pods of one isolated group. */
export enum Selection {
  /** The peer selects no pod of the group. */
  NONE = 'none',
  /** The peer selects every pod of the group (and possibly more). */
  ALL = 'all',
  /** The peer selects some pods of the group and none outside it: a strict subset. */
  SUBSET = 'subset',
  /** The selectors use different labels: whether pods carry both is unknowable from the YAML. */
  UNDETERMINED = 'undetermined',
  /** The peer names namespaces by labels the app does not know, so it may or may not include the group's. */
  UNKNOWN_NAMESPACE = 'unknown-namespace',
}

/** An isolated group as selection sees it: a namespace and the labels its pods carry (empty: every pod). */
export interface GroupScope {
  readonly namespace: string;
  readonly podLabels: { [key: string]: string };
  /**
   * Every label of the namespace, when the app emits the Namespace object and so knows them all.
   * @default - only the automatic name label is known
   */
  readonly namespaceLabels?: { [key: string]: string };
}

/**
 * How the peer `config` relates to `group`. `contextNamespace` is where a peer without namespace fields
 * selects pods: the namespace of the policy that names it.
 */
export function selectionOf(config: PeerConfig, contextNamespace: string, group: GroupScope): Selection {
  if (config.ipBlock) return Selection.NONE;
  const namespaces = namespaceMatch(config, contextNamespace, group);
  if (namespaces === Selection.NONE) return Selection.NONE;
  const pods = podMatch(config.podSelector, group.podLabels);
  if (pods === Selection.NONE) return Selection.NONE;
  if (namespaces === Selection.UNKNOWN_NAMESPACE) return Selection.UNKNOWN_NAMESPACE;
  return pods;
}

function namespaceMatch(config: PeerConfig, contextNamespace: string, group: GroupScope): Selection {
  const namespace = group.namespace;
  if (config.allNamespaces) return Selection.ALL;
  if (config.namespace !== undefined) return config.namespace === namespace ? Selection.ALL : Selection.NONE;
  if (config.namespaceSelector) {
    // The automatic name label is known for every namespace; the others only when the app emits the Namespace.
    const labels = { ...group.namespaceLabels ?? {}, [NAMESPACE_NAME_LABEL]: namespace };
    const match = podMatch(config.namespaceSelector, labels);
    if (match === Selection.ALL || match === Selection.NONE) return match;
    if (group.namespaceLabels !== undefined) return closedMatch(config.namespaceSelector, labels) ? Selection.ALL : Selection.NONE;
    return Selection.UNKNOWN_NAMESPACE;
  }
  return contextNamespace === namespace ? Selection.ALL : Selection.NONE;
}

/** Whether a selector matches an object whose labels are exactly `labels` (a complete label set). */
function closedMatch(selector: LabelSelector, labels: { [key: string]: string }): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has(k) && labels[k] === v)
    && (selector.matchExpressions ?? []).every((e) => {
      switch (e.operator) {
        case LabelOperator.IN: return has(e.key) && (e.values ?? []).includes(labels[e.key]);
        case LabelOperator.NOT_IN: return !has(e.key) || !(e.values ?? []).includes(labels[e.key]);
        case LabelOperator.EXISTS: return has(e.key);
        case LabelOperator.DOES_NOT_EXIST: return !has(e.key);
        default: return false;
      }
    });
}

/** Compares a pod selector with the labels every pod of a group carries (the pods may carry more). */
function podMatch(selector: LabelSelector | undefined, labels: { [key: string]: string }): Selection {
  // Requirements in order: each matchLabels entry (key In [value]), then each expression. Read in place,
  // without building the list: this runs for every pair of a flow side and a group of its namespace.
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = selector?.matchExpressions ?? [];
  const has = (key: string) => Object.prototype.hasOwnProperty.call(labels, key);
  let all = true;
  for (const key of Object.keys(matchLabels)) {
    const known = has(key);
    if (known && labels[key] !== matchLabels[key]) return Selection.NONE;
    all = all && known;
  }
  for (const r of expressions) {
    const known = has(r.key);
    const value = known ? labels[r.key] : undefined;
    const values = r.values ?? [];
    switch (r.operator) {
      case LabelOperator.IN:
        if (known && !values.includes(value!)) return Selection.NONE;
        all = all && known;
        break;
      case LabelOperator.EXISTS:
        all = all && known;
        break;
      case LabelOperator.NOT_IN:
        if (known && values.includes(value!)) return Selection.NONE;
        all = all && known;
        break;
      case LabelOperator.DOES_NOT_EXIST:
        if (known) return Selection.NONE;
        all = false;
        break;
      default:
        // An operator this code does not know: never claim to know what it selects.
        return Selection.UNDETERMINED;
    }
  }
  if (all) return Selection.ALL;
  // The peer's pods lie inside the group when it requires every label the group fixes, with that value.
  const inside = Object.entries(labels).every(([k, v]) =>
    (Object.prototype.hasOwnProperty.call(matchLabels, k) && matchLabels[k] === v)
    || expressions.some((r) => r.key === k && r.operator === LabelOperator.IN && r.values?.length === 1 && r.values[0] === v));
  return inside ? Selection.SUBSET : Selection.UNDETERMINED;
}

/**
 * True when pods carrying `inner` carry every label of `outer` with its value: the pods selected by
 * `outer` include those selected by `inner`.
 */
export function labelsInclude(inner: { [key: string]: string }, outer: { [key: string]: string }): boolean {
  return Object.entries(outer).every(([k, v]) => inner[k] === v);
}
