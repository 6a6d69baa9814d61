/**
 * "Did you mean": the candidate nearest to what a user typed, by edit distance after ignoring case,
 * `-` and `_` (so `min_level` and `minlevel` both find `minLevel`).
 * @module
 */

/** The closest candidate, or undefined when none is near enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(word);
  // Below four letters nearly everything is two edits away from something: no guess beats a wrong one.
  if (wanted.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(wanted, normalize(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(wanted.length / 3)) ? best : undefined;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

/** Edit distance where swapping two neighbours counts as one edit (`titel` → `title`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
