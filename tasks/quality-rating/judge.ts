/**
 * quality-rating put to an LLM judge: the rubric annotators see, as the FineWeb-Edu annotation prompt puts it
 * (additive points, a short justification, then a parseable "Educational score: <n>" line).
 */
import type { JudgeSpec } from '../lib/judge-prompt.ts';
import { lastLabelledValue, textBefore } from '../lib/judge-prompt.ts';
import type { QualityConfig, QualityJudgment, QualityPayload } from './index.ts';

const MAX_RATIONALE = 4000;

/** The label of the final line: "Educational value" is asked as "Educational score", as FineWeb-Edu does. */
export function scoreLabel(config: Pick<QualityConfig, 'criterion'>): string {
  return `${config.criterion.replace(/\s+value$/i, '').trim()} score`;
}

function rubricText(config: QualityConfig): string {
  const lines = [...config.rubric].sort((a, b) => a.points - b.points);
  if (config.rubricStyle === 'additive')
    return lines.map((r) => `- Add ${r.points === 1 ? '1 point' : `another point (total ${r.points})`} if: ${r.criterion}`).join('\n');
  return lines.map((r) => `- ${r.points}: ${r.criterion}`).join('\n');
}

function answerFormat(config: QualityConfig): string {
  const { min, max } = config.scale;
  return [
    `- Briefly justify your ${config.rubricStyle === 'additive' ? 'total score' : 'score'}, up to 100 words.`,
    ...config.aspects.map(
      (a) => `- Rate ${a.label.toLowerCase()} (${a.description || a.label}) on a line "${a.label}: <${a.scale.min}-${a.scale.max}>".`,
    ),
    ...(config.keepDrop ? ['- Say whether the extract should be kept for training on a line "Keep: yes" or "Keep: no".'] : []),
    `- Conclude with the score using the format: "${scoreLabel(config)}: <${config.rubricStyle === 'additive' ? 'total points' : `${min}-${max}`}>"`,
  ].join('\n');
}

const TEMPLATE = `Below is an extract from a web page. Evaluate its {{criterion}} using the {{style}} {{min}}-{{max}} scoring system described below.{{style_note}}

{{rubric}}

{{guidelines}}

The extract:
<extract>
{{text}}
</extract>

After examining the extract:
{{answer_format}}`;

const integerAt = (value: string | undefined) => (value === undefined ? undefined : /^-?\d+/.exec(value)?.[0]);

export const qualityJudge: JudgeSpec<QualityConfig, QualityPayload, QualityJudgment> = {
  template: () => TEMPLATE,
  placeholders: {
    text: 'the document text',
    source: 'the document source',
    url: 'the document URL',
    language: 'the document language',
    criterion: 'the criterion rated, lower-case',
    min: 'lowest score',
    max: 'highest score',
    style: '"additive" or "descriptive"',
    style_note: 'how points are earned',
    rubric: 'the rubric lines annotators see',
    guidelines: 'the guidelines annotators see',
    answer_format: 'the lines the answer must end with (the score line last)',
  },
  variables(payload, config) {
    const additive = config.rubricStyle === 'additive';
    return [
      {
        text: payload.text,
        source: payload.source ?? '',
        url: payload.url ?? '',
        language: payload.language ?? '',
        criterion: config.criterion.toLowerCase(),
        min: String(config.scale.min),
        max: String(config.scale.max),
        style: additive ? 'additive' : 'descriptive',
        style_note: additive
          ? ' Points are accumulated based on the satisfaction of each criterion:'
          : ' Choose the score whose description fits the extract best:',
        rubric: rubricText(config),
        guidelines: config.guidelines,
        answer_format: answerFormat(config),
      },
    ];
  },
  parse([answer], config) {
    const label = scoreLabel(config);
    const score = integerAt(lastLabelledValue(answer, label));
    if (score === undefined) return { ok: false, reason: `no "${label}: <n>" line` };
    const value: QualityJudgment = { score: Number(score) };
    if (config.aspects.length > 0) {
      const aspects: Record<string, number> = {};
      for (const a of config.aspects) {
        const n = integerAt(lastLabelledValue(answer, a.label));
        if (n === undefined) return { ok: false, reason: `no "${a.label}: <n>" line` };
        aspects[a.key] = Number(n);
      }
      value.aspects = aspects;
    }
    if (config.keepDrop) {
      const keep = lastLabelledValue(answer, 'Keep')?.toLowerCase();
      if (keep !== 'yes' && keep !== 'no') return { ok: false, reason: 'no "Keep: yes|no" line' };
      value.keep = keep === 'yes';
    }
    if (config.rationale !== 'off') {
      const rationale = textBefore(answer, config.aspects[0]?.label ?? (config.keepDrop ? 'Keep' : label)).slice(0, MAX_RATIONALE);
      if (rationale) value.rationale = rationale;
    }
    return { ok: true, value, orderDisagreement: false };
  },
};
