/**
 * The classes a classifier learns and the number each stands for: 0-5 scores are the classes 0..5 (so a score no
 * training example has still gets its output row), keep/drop and accept/reject are 0/1 with the positive class
 * last, anything else is its sorted names numbered 0, 1, ...
 */
export interface ClassScheme {
  classes: string[];
  /** What each class counts as in the expected score and the "keep" thresholds. */
  values: number[];
}

const BINARY: [negative: string, positive: string][] = [
  ['drop', 'keep'],
  ['reject', 'accept'],
];

/** The scheme that fits the labels seen. */
export function classScheme(labels: Iterable<string>): ClassScheme {
  const seen = [...new Set(labels)];
  if (seen.length === 0) throw new Error('no labels');
  if (seen.every((l) => /^-?\d+$/.test(l))) {
    const numbers = seen.map(Number);
    const low = Math.min(0, ...numbers);
    const high = Math.max(...numbers);
    return schemeOf(Array.from({ length: high - low + 1 }, (_, k) => String(low + k)));
  }
  const pair = BINARY.find((names) => seen.every((l) => names.includes(l)));
  return schemeOf(pair ? [...pair] : seen.sort());
}

/** The scheme of classes already in order (a trained model's labels): numbers count as themselves, names as their place. */
export function schemeOf(classes: readonly string[]): ClassScheme {
  const numeric = classes.every((l) => /^-?\d+$/.test(l));
  return { classes: [...classes], values: classes.map((l, k) => (numeric ? Number(l) : k)) };
}

/** A label as a class name: numbers rounded to their class (a mean score 2.7 is class 3), booleans as keep/drop. */
export function labelName(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value)) : undefined;
  if (typeof value === 'boolean') return value ? 'keep' : 'drop';
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}
