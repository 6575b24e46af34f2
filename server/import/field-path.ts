/**
 * Dotted field paths into a record (`metadata.url`, `messages.0.content`), as corpus files nest their fields. A key
 * that holds the dots itself wins (a CSV header may be named `metadata.url`). Hand-written rather than lodash.get: a
 * dozen lines, and the exact-key rule and the copy without a path are ours anyway.
 */
export function getPath(record: unknown, path: string): unknown {
  if (!isObject(record)) return undefined;
  if (path in record) return record[path];
  const dot = path.indexOf('.');
  if (dot === -1) return undefined;
  return getPath(record[path.slice(0, dot)], path.slice(dot + 1));
}

/** Sets `value` at `segments`, making the objects on the way, so the nesting of the source is kept. */
export function setPath(target: Record<string, unknown>, [head, ...rest]: string[], value: unknown): void {
  if (!rest.length) {
    target[head] = value;
    return;
  }
  const inner = target[head];
  if (isObject(inner)) setPath(inner, rest, value);
  else setPath((target[head] = {}), rest, value);
}

/** The path split as `getPath` resolves it in `record`: a key holding dots stays one segment. */
export function pathSegments(record: unknown, path: string): string[] {
  if (!isObject(record) || path in record) return [path];
  const dot = path.indexOf('.');
  if (dot === -1) return [path];
  return [path.slice(0, dot), ...pathSegments(record[path.slice(0, dot)], path.slice(dot + 1))];
}

/** A copy of `record` without the value at `segments` (an object left empty by it goes too); `record` is not changed. */
export function withoutPath(record: Record<string, unknown>, [head, ...rest]: string[]): Record<string, unknown> {
  if (!(head in record)) return record;
  const { [head]: inner, ...others } = record;
  if (!rest.length) return others;
  if (!isObject(inner) || Array.isArray(inner)) return record;
  const kept = withoutPath(inner, rest);
  return Object.keys(kept).length ? { ...others, [head]: kept } : others;
}

/** The dotted paths to the leaves of a record (objects descended up to `depth`, arrays kept whole), for mapping choices. */
export function leafPaths(record: Record<string, unknown>, depth = 3, prefix = ''): string[] {
  return Object.entries(record).flatMap(([key, value]) =>
    isObject(value) && !Array.isArray(value) && depth > 1 && Object.keys(value).length
      ? leafPaths(value, depth - 1, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
