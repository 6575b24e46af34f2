import type { RequestHandler } from 'express';
import { badRequest } from '../errors.ts';

/** A string PostgreSQL cannot hold as text or jsonb, said plainly; undefined when it can. */
function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL byte (\\u0000), which text cannot hold';
  // Unpaired UTF-16 halves have no UTF-8 form: the driver would store U+FFFD in their place, or the database refuse them.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return 'contains a lone surrogate, which is not text';
  return undefined;
}

/** A field name as the client can read it, with the characters it could not have meant escaped. */
const printable = (key: string) => key.replace(/[\u0000\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const MAX_PATH_SHOWN = 12;

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

/**
 * The first string or object key in a parsed body or query that the database could not store, with its path.
 * Iterative, with paths built only for the finding: a 1 MB body may nest far deeper than the call stack allows.
 */
export function findUnstorableText(value: unknown): { field: string; problem: string } | undefined {
  const pathOf = (visit: Visit) => {
    const keys: string[] = [];
    for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.push(printable(v.key));
    keys.reverse();
    // A path as deep as the body is long would make a message of that size.
    return (keys.length > MAX_PATH_SHOWN ? [...keys.slice(0, MAX_PATH_SHOWN / 2), '…', ...keys.slice(-MAX_PATH_SHOWN / 2)] : keys).join('.');
  };
  const stack: Visit[] = [{ value }];
  while (stack.length) {
    const visit = stack.pop()!;
    if (typeof visit.value === 'string') {
      const problem = problemOf(visit.value);
      if (problem) return { field: pathOf(visit), problem };
    } else if (visit.value !== null && typeof visit.value === 'object') {
      const entries = Object.entries(visit.value);
      // Pushed last to first, so the first bad field in the document is the one reported.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const entry: Visit = { value: child, key, parent: visit };
        const problem = problemOf(key);
        if (problem) return { field: pathOf(entry), problem: `its name ${problem}` };
        stack.push(entry);
      }
    }
  }
  return undefined;
}

/** The path segment (1-based) that holds a NUL byte once decoded; malformed escapes are the router's to refuse. */
function unstorablePathSegment(path: string): number | undefined {
  const segments = path.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segments[i]);
    } catch {
      continue;
    }
    if (problemOf(decoded)) return i + 1;
  }
  return undefined;
}

/**
 * Refuses, for every route at once, text the database cannot store (NUL bytes, lone surrogates) in the JSON body,
 * the query string and the path, with a 400 naming the field. Without it such a value reaches a query and fails
 * there as a 500 (issue 12, finding 8: 18 routes did). Mounted after the JSON parser.
 */
export const rejectUnstorableText: RequestHandler = (req, _res, next) => {
  const segment = unstorablePathSegment(req.path);
  if (segment !== undefined)
    return next(badRequest(`path: segment ${segment} contains a NUL byte, which no name or id can hold`, { in: 'path', segment }));
  for (const [where, value] of [
    ['query', req.query],
    ['body', req.body],
  ] as const) {
    const found = findUnstorableText(value);
    if (found)
      return next(
        badRequest(`${found.field || where}: ${found.problem} (in the ${where === 'query' ? 'query string' : 'body'})`, {
          in: where,
          field: found.field,
        }),
      );
  }
  next();
};
