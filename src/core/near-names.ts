/*
 * Typo detection for namespace names: a name one or two edits away from a name the app knows is taken
 * for a typo of it, so that objects never land silently next to the namespace that was meant.
 */

/**
 * The declared name closest to `name` by edit distance, if any is close enough to be a typo of it: one
 * edit per four characters, at most two (`botique` for `boutique`; not `b` for `a`).
 */
export function closestName(name: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...candidates].sort()) {
    const distance = editDistance(name, candidate);
    const allowed = Math.min(2, Math.floor(Math.max(name.length, candidate.length) / 4));
    if (distance <= allowed && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

