/** Namespace of the QuestionFormAnswers schema (2005-10-01) MTurk puts on every Assignment.Answer. */
export const QUESTION_FORM_ANSWERS_NAMESPACE = 'http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd';

/** Raised when Assignment.Answer is not the QuestionFormAnswers document we expect. */
export class QuestionFormAnswersError extends Error {
  override name = 'QuestionFormAnswersError';
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric references; anything else is malformed (no DTDs allowed). */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new QuestionFormAnswersError(`Bare '&' in text near "${match}"`);
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (numeric) {
      const code = numeric[1]!.startsWith('x') ? parseInt(numeric[1]!.slice(1), 16) : parseInt(numeric[1]!, 10);
      if (code > 0x10ffff) throw new QuestionFormAnswersError(`Invalid character reference &${name};`);
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[name];
    if (named === undefined) throw new QuestionFormAnswersError(`Unknown entity &${name};`);
    return named;
  });
}

/** Element text: CDATA sections are taken verbatim, the rest entity-decoded; child elements are refused. */
function textContent(raw: string): string {
  let out = '';
  const parts = raw.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/);
  for (const part of parts) {
    if (part.startsWith('<![CDATA[')) out += part.slice(9, -3);
    else if (part.includes('<')) throw new QuestionFormAnswersError('Unexpected markup inside an answer value');
    else out += decodeEntities(part);
  }
  return out;
}

/** Inner text of each `<tag>…</tag>` child, in order. */
function children(body: string, tag: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>|<${tag}(?:\\s[^>]*)?/>`, 'g');
  for (const match of body.matchAll(pattern)) found.push(match[1] ?? '');
  return found;
}

/**
 * Parses MTurk's QuestionFormAnswers XML into `{questionIdentifier: value}`.
 * The input comes from workers (hostile): a small parser for this one fixed schema, no DOCTYPE/entity expansion.
 * SelectionIdentifier answers with several selections join with "|" (MTurk's own multi-select convention);
 * an empty answer element maps to "".
 */
export function parseQuestionFormAnswers(xml: string): Record<string, string> {
  const source = xml
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^?]*\?>/, '')
    .trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) throw new QuestionFormAnswersError('DOCTYPE/ENTITY declarations are not allowed');
  const root = /^<QuestionFormAnswers(\s[^>]*)?>([\s\S]*)<\/QuestionFormAnswers>$/.exec(source);
  if (!root) throw new QuestionFormAnswersError('Not a QuestionFormAnswers document');
  const body = root[2]!;
  const answers = children(body, 'Answer');
  const leftover = body.replace(/<Answer(?:\s[^>]*)?>[\s\S]*?<\/Answer>/g, '').trim();
  if (leftover !== '') throw new QuestionFormAnswersError('Unexpected content outside <Answer> elements');
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const answer of answers) {
    const [identifier] = children(answer, 'QuestionIdentifier');
    if (identifier === undefined) throw new QuestionFormAnswersError('Answer without QuestionIdentifier');
    const name = textContent(identifier).trim();
    if (name === '') throw new QuestionFormAnswersError('Empty QuestionIdentifier');
    if (Object.hasOwn(result, name)) throw new QuestionFormAnswersError(`Duplicate answer for "${name}"`);
    const freeText = children(answer, 'FreeText');
    const selections = children(answer, 'SelectionIdentifier');
    if (freeText.length > 1) throw new QuestionFormAnswersError(`Several FreeText values for "${name}"`);
    result[name] = freeText.length === 1 ? textContent(freeText[0]!) : selections.map(textContent).join('|');
  }
  return { ...result };
}
