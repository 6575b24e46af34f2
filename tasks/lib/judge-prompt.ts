/**
 * LLM judge prompts shared by every task type: a template with `{{name}}` placeholders, rendered into the chat
 * messages a judge is sent, and the reading of a judge's answer back into a judgment.
 *
 * The renderer is ours rather than Mustache or Handlebars: both HTML-escape values by default (a document's `<` would
 * reach the model as `&lt;`), and neither refuses an unknown placeholder, which is the one check an admin editing a
 * template needs. Substitution is a single pass, so a document containing `{{text}}` is sent as written.
 */

/** One chat message as OpenAI-compatible endpoints take it. */
export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** What a judge's answers (one per order asked) stand for, or why they cannot be read. */
export type JudgeReading<Judgment> = { ok: true; value: Judgment; orderDisagreement: boolean } | { ok: false; reason: string };

/** How a task type is put to an LLM judge. */
export interface JudgeSpec<Config, Payload, Judgment> {
  /** The default prompt template. */
  template(config: Config): string;
  /** The placeholders a template may use, with what each holds (shown beside the prompt editor). */
  placeholders: Record<string, string>;
  /** Placeholder values for each order the question is asked in (pairwise asks in both, to cancel position bias). */
  variables(payload: Payload, config: Config): Record<string, string>[];
  /** Reads the answers, one per order, into a judgment (checked against the judgment schema by the caller). */
  parse(answers: string[], config: Config): JudgeReading<Judgment>;
}

/** A line that starts the system message's part of a template; the rest after `---user---` is the user message. */
const SYSTEM_MARK = '---system---';
const USER_MARK = '---user---';
const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi;

/** Placeholders in a template that none of the known ones match. */
export function unknownPlaceholders(template: string, known: Iterable<string>): string[] {
  const allowed = new Set(known);
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].filter((name) => !allowed.has(name));
}

/** The template with each placeholder replaced by its value, in one pass. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}

/**
 * The chat messages a template renders to: an optional system part (after a `---system---` line, up to a
 * `---user---` line) and the user part, which is the whole template when it has no marks.
 */
export function renderMessages(template: string, values: Record<string, string>): JudgeMessage[] {
  const text = template.replace(/\r\n/g, '\n');
  const userAt = text.indexOf(`${USER_MARK}\n`);
  if (!text.startsWith(`${SYSTEM_MARK}\n`) || userAt < 0) return [{ role: 'user', content: fillTemplate(text, values).trim() }];
  const system = text.slice(SYSTEM_MARK.length + 1, userAt);
  const user = text.slice(userAt + USER_MARK.length + 1);
  return [
    { role: 'system', content: fillTemplate(system, values).trim() },
    { role: 'user', content: fillTemplate(user, values).trim() },
  ];
}

/**
 * The value of the last `Label: value` line of an answer (models often restate the format before answering, so the
 * last one is the answer). Markdown emphasis and quotes around the label or value are ignored.
 */
export function lastLabelledValue(answer: string, label: string): string | undefined {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`^[\\s>*_#\`"-]*${escaped}[*_\`"]*\\s*:\\s*(.*)$`, 'gim');
  let found: string | undefined;
  for (const m of answer.matchAll(line)) found = m[1];
  return found?.replace(/^[\s*_`"']+|[\s*_`"'.]+$/g, '');
}

/** The text of an answer before its first `Label:` line (the judge's justification). */
export function textBefore(answer: string, label: string): string {
  const at = answer.search(new RegExp(`^[\\s>*_#\`"-]*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'im'));
  return (at < 0 ? answer : answer.slice(0, at)).trim();
}
