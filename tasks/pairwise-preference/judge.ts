/**
 * pairwise-preference put to an LLM judge: asked twice, with the responses in both orders, since judges favour a
 * position (Zheng et al. 2023, "Judging LLM-as-a-judge"); the two answers combine into one judgment, and a
 * disagreement between the orders is recorded and counted as a tie.
 */
import type { JudgeSpec } from '../lib/judge-prompt.ts';
import { lastLabelledValue, textBefore } from '../lib/judge-prompt.ts';
import type { ContentChoice, PairwiseConfig, PairwiseJudgment, PairwisePayload } from './index.ts';

const TEMPLATE = `You compare two responses to the same prompt.

The prompt:
<prompt>
{{prompt}}
</prompt>

Response A:
<response_a>
{{response_a}}
</response_a>

Response B:
<response_b>
{{response_b}}
</response_b>

{{question}}
{{guidelines}}

Briefly explain your choice, up to 100 words, then end with a line {{verdict_format}}.`;

/** The verdict of one answer, by position: A is the first response shown. */
export function pairwiseVerdict(answer: string, allowTie: boolean): 'A' | 'B' | 'tie' | undefined {
  const v = lastLabelledValue(answer, 'Verdict')?.toLowerCase();
  if (v === 'a' || v === 'response a') return 'A';
  if (v === 'b' || v === 'response b') return 'B';
  return allowTie && v === 'tie' ? 'tie' : undefined;
}

const flip = (c: ContentChoice): ContentChoice => (c === 'A' ? 'B' : c === 'B' ? 'A' : 'tie');

export const pairwiseJudge: JudgeSpec<PairwiseConfig, PairwisePayload, PairwiseJudgment> = {
  template: () => TEMPLATE,
  placeholders: {
    prompt: 'the prompt',
    response_a: 'the response shown first (the two orders swap it)',
    response_b: 'the response shown second',
    question: 'the question annotators are asked',
    guidelines: 'the guidelines annotators see',
    verdict_format: 'the verdict line asked for ("Verdict: A", "Verdict: B" or, when allowed, "Verdict: tie")',
  },
  variables(payload, config) {
    const common = {
      prompt: payload.prompt,
      question: config.question,
      guidelines: config.guidelines,
      verdict_format: config.allowTie ? '"Verdict: A", "Verdict: B" or "Verdict: tie"' : '"Verdict: A" or "Verdict: B"',
    };
    return [
      { ...common, response_a: payload.responseA, response_b: payload.responseB },
      { ...common, response_a: payload.responseB, response_b: payload.responseA },
    ];
  },
  parse(answers, config) {
    const [first, second] = answers.map((a) => pairwiseVerdict(a, config.allowTie));
    if (first === undefined) return { ok: false, reason: 'no "Verdict: A|B|tie" line (responses in order)' };
    if (second === undefined) return { ok: false, reason: 'no "Verdict: A|B|tie" line (responses swapped)' };
    // The second answer saw B first: its "A" is response B.
    const inOrder = first;
    const swapped = flip(second);
    const disagree = inOrder !== swapped;
    const choice: ContentChoice = disagree ? 'tie' : inOrder;
    if (choice === 'tie' && !config.allowTie) return { ok: false, reason: 'the two orders disagree and this project allows no tie' };
    const screenChoice = choice === 'A' ? 'left' : choice === 'B' ? 'right' : 'tie';
    const value: PairwiseJudgment = { choice, screenChoice };
    const reason = config.reason === 'off' ? '' : textBefore(answers[0], 'Verdict').slice(0, 4000);
    if (reason) value.reason = reason;
    return { ok: true, value, orderDisagreement: disagree };
  },
};
