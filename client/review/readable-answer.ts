/**
 * A judgment value (any task type's JSON) as labelled lines a reviewer can read at a glance: `{score: 3, keep:
 * true}` becomes "Score: 3", "Keep: yes". Long texts (a corrected response, a rationale) are marked so the view
 * can give them room.
 */
export interface AnswerLine {
  label: string;
  text: string;
  long: boolean;
}

const LONG_TEXT = 80;

/** lowerCamel / snake_case key → "Sentence case" label. */
function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map(textOf).join(', ') : 'none';
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${labelOf(k)} ${textOf(v)}`)
      .join(', ');
  }
  return String(value);
}

/** The lines of a value; a value that is not an object is one line labelled "Answer". */
export function readableAnswer(value: unknown): AnswerLine[] {
  const entries: [string, unknown][] =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['answer', value]];
  return entries.map(([key, v]) => {
    const text = textOf(v);
    return { label: labelOf(key), text, long: typeof v === 'string' && v.length > LONG_TEXT };
  });
}

/** Milliseconds as "12.3 s" or "2 min 5 s". */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
