/** Reads payload fields out of an imported document: its metadata, or its text when that is a JSON object. */
import type { FieldMapping, SourceDocument } from '../task-type.ts';

/** Where a field may come from and whether it must be present. */
export interface FieldSpec {
  /** The conventional source field name, also the key admins use in a mapping (e.g. `response_a`). */
  name: string;
  optional?: boolean;
  /** Use the raw document text when the field is absent (a plain-text corpus). */
  textFallback?: boolean;
}

/**
 * Looks each field up (mapped name first, dotted paths allowed) in meta, then in the JSON text.
 * Throws naming the first required field that is missing, so an import error says what to map.
 */
export function readDocumentFields(taskName: string, doc: SourceDocument, specs: FieldSpec[], mapping: FieldMapping = {}) {
  const fromText = parseJsonObject(doc.text);
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    const path = mapping[spec.name] ?? spec.name;
    const value = lookup(doc.meta, path) ?? (fromText && lookup(fromText, path)) ?? (spec.textFallback && !fromText ? doc.text : undefined);
    if (value === undefined && !spec.optional) {
      throw new Error(`${taskName}: document has no field "${path}" (for ${spec.name}); looked in its metadata and JSON text`);
    }
    values[spec.name] = value;
  }
  return values;
}

function lookup(source: Record<string, unknown>, path: string): unknown {
  let value: unknown = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === null ? undefined : value;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
