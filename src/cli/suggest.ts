/*
 * "Did you mean" for command-line typos: the known word closest to what was typed, by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours each count one), when it is close
 * enough to be a typo rather than another word: at most one edit for short words, a third of the length
 * for longer ones. Ties go to the word listed first.
 */

/** The known word closest to `typed`, or undefined when none is close enough to be a typo of it. */
export function closestWord(typed: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const word of known) {
    const distance = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (distance < bestDistance) {
      best = word;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` Did you mean "x"?` for the closest known word, or the empty string. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const word = closestWord(typed, known);
  return word === undefined ? '' : ` Did you mean "${word}"?`;
}

/** Optimal string alignment distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[i].push(j);
        continue;
      }
      const substitution = rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, rows[i - 2][j - 2] + 1);
      rows[i].push(distance);
    }
  }
  return rows[a.length][b.length];
}
