import { ModelPod } from '../input/manifests';

/*
 * Equivalence classes of pods for the whole-cluster evaluation. Two pods with the same namespace, the
 * same labels and the same known addresses are selected by the same policies and matched by the same
 * peers (a selector reads only the pod's labels and its namespace's name and labels; an ipBlock only its
 * addresses), so the analyzer decides selection once per class instead of once per pod.
 *
 * Anything else the engine ever reads about a pod for selection or peer matching must be added to
 * `selectionKey`, or pods that differ in it would wrongly share answers. Container ports are not part of
 * the key: they matter only for the destination of a connection, and the matrix splits its columns by
 * them per query (see engine.ts).
 */

/** Pods grouped by what selection reads. */
export interface SelectionClasses {
  /** For each pod position: its class. */
  readonly classOf: Int32Array;
  /** For each class: the position of its first pod (the pods of a class are interchangeable). */
  readonly representatives: readonly number[];
}

/** The key two pods share exactly when no selector or peer can tell them apart. */
export function selectionKey(pod: ModelPod): string {
  const labels = Object.keys(pod.labels).sort().map(key => [key, pod.labels[key]]);
  const addresses = pod.addresses.map(a => a.toNormalizedString()).sort();
  return JSON.stringify([pod.namespace, labels, addresses]);
}

/** Groups pods by `selectionKey`, classes numbered in order of their first pod. */
export function selectionClasses(pods: readonly ModelPod[]): SelectionClasses {
  const classOf = new Int32Array(pods.length);
  const numbers = new Map<string, number>();
  const representatives: number[] = [];
  pods.forEach((pod, i) => {
    const key = selectionKey(pod);
    let number = numbers.get(key);
    if (number === undefined) {
      number = representatives.length;
      numbers.set(key, number);
      representatives.push(i);
    }
    classOf[i] = number;
  });
  return { classOf, representatives };
}

/**
 * Merges classes that nothing tells apart: `initial` gives each class a key for what applies to it (the
 * rules of the policies that select it), and each partition splits the classes it holds (1) from those
 * it does not. Returns for each class the number of its merged class, numbered in order of first class.
 */
export function refineClasses(initial: readonly string[], partitions: Iterable<Uint8Array>): { mergedOf: Int32Array; count: number } {
  const count = initial.length;
  let ids = new Int32Array(count);
  const first = new Map<string, number>();
  let next = 0;
  initial.forEach((key, c) => {
    let id = first.get(key);
    if (id === undefined) first.set(key, id = next++);
    ids[c] = id;
  });
  const relabel = new Int32Array(2 * count);
  for (const members of partitions) {
    relabel.fill(-1, 0, 2 * next);
    const split = new Int32Array(count);
    let splitNext = 0;
    for (let c = 0; c < count; c++) {
      const slot = 2 * ids[c] + (members[c] === 1 ? 1 : 0);
      if (relabel[slot] < 0) relabel[slot] = splitNext++;
      split[c] = relabel[slot];
    }
    // A partition that splits nothing leaves the numbering as it was.
    if (splitNext !== next) {
      ids = split;
      next = splitNext;
    }
  }
  return { mergedOf: ids, count: next };
}
