import type { IsolatedGroup } from './isolated-group';
import { labelsInclude } from './selection';
import { describePeerConfig } from '../core/peer';

/**
 * Two tiers of one namespace whose labels are equal, or one's a subset of the other's, select the same
 * pods: the narrower tier's pods would also get every flow of the broader one. One message per pair,
 * about the later tier.
 */
export function overlappingTiers(groupsByNamespace: ReadonlyMap<string, IsolatedGroup[]>): string[] {
  const errors: string[] = [];
  for (const groups of groupsByNamespace.values()) {
    const tiers = groups.filter((g) => Object.keys(g._podScope().podLabels).length > 0);
    for (let i = 0; i < tiers.length; i++) {
      for (let j = i + 1; j < tiers.length; j++) {
        const [a, b] = [tiers[i], tiers[j]];
        const aInB = labelsInclude(a._podScope().podLabels, b._podScope().podLabels);
        const bInA = labelsInclude(b._podScope().podLabels, a._podScope().podLabels);
        if (!aInB && !bInA) continue;
        const [narrow, broad] = aInB ? [a, b] : [b, a];
        const what = aInB && bInA ? 'select the same pods' : `overlap: every pod of ${narrow} is also a pod of ${broad}`;
        errors.push(`${b.node.path}: ${a} and ${b} ${what}, so ${narrow} would also accept and open every flow declared for ${broad} (${describePeerConfig(narrow.toPeerConfig())}). `
          + 'Give each tier labels that no pod of the other carries (e.g. different values of one key such as app), or merge them into one tier.');
      }
    }
  }
  return errors;
}
