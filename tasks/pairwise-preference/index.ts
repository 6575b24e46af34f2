/**
 * pairwise-preference: which of two responses to a prompt is better. Sides are shuffled per slot
 * (`swapped`, assigned by the server) and the judgment keeps both the screen and the content choice,
 * so position bias can be measured and corrected.
 */
import { z } from '../lib/zod.ts';
import type { TaskType } from '../task-type.ts';
import { pairwiseJudge } from './judge.ts';
import { readDocumentFields } from '../lib/document-fields.ts';
import { rationaleModeSchema, rationaleShape } from '../lib/rationale.ts';

/** What the annotator clicked, by position. */
export type ScreenChoice = 'left' | 'right' | 'tie';
/** What the annotator preferred, by content. */
export type ContentChoice = 'A' | 'B' | 'tie';

/** Which response goes on which side. */
export function screenOrder(swapped: boolean): { left: 'A' | 'B'; right: 'A' | 'B' } {
  return swapped ? { left: 'B', right: 'A' } : { left: 'A', right: 'B' };
}

/** Un-swaps a screen choice into the response actually preferred. */
export function contentChoice(choice: ScreenChoice, swapped: boolean): ContentChoice {
  return choice === 'tie' ? 'tie' : screenOrder(swapped)[choice];
}

/** Config: criterion, guidelines, whether ties are allowed and whether a reason is asked for. */
export const pairwiseConfigSchema = z.object({
  question: z._default(z.string().check(z.minLength(1)), 'Which response is better?'),
  guidelines: z._default(
    z.string(),
    'Prefer the response that is correct, follows the prompt and is genuinely helpful. Length and style matter only when they affect usefulness.',
  ),
  allowTie: z._default(z.boolean(), true),
  reason: z._default(rationaleModeSchema, 'optional'),
});

/** A complete pairwise-preference config. */
export type PairwiseConfig = z.infer<typeof pairwiseConfigSchema>;

/** The prompt and the two responses, labelled by content (A, B), not by position. */
export const pairwisePayloadSchema = z.object({ prompt: z.string(), responseA: z.string(), responseB: z.string() });

/** A pairwise-preference payload. */
export type PairwisePayload = z.infer<typeof pairwisePayloadSchema>;

/** One annotator's preference. */
export interface PairwiseJudgment {
  screenChoice: ScreenChoice;
  choice: ContentChoice;
  reason?: string;
}

const FIELDS = [{ name: 'prompt' }, { name: 'response_a' }, { name: 'response_b' }];

/** Aggregation classes: B preferred, tie, A preferred (the order the aggregation engine counts in). */
const PAIR_CLASSES = ['B', 'tie', 'A'];

function choiceSchema(config: PairwiseConfig) {
  return config.allowTie ? z.enum(['A', 'B', 'tie']) : z.enum(['A', 'B']);
}

/** The pairwise-preference task type. */
export const pairwisePreference: TaskType<PairwiseConfig, PairwisePayload, PairwiseJudgment> = {
  name: 'pairwise-preference',
  title: 'Pairwise preference',
  description: 'Compare two responses to the same prompt and pick the better one (or a tie).',
  configSchema: pairwiseConfigSchema,
  payloadSchema: pairwisePayloadSchema,
  payloadFromDocument(doc, mapping) {
    const fields = readDocumentFields('pairwise-preference', doc, FIELDS, mapping);
    return pairwisePayloadSchema.parse({ prompt: fields.prompt, responseA: fields.response_a, responseB: fields.response_b });
  },
  judgmentSchema: (config) =>
    z.strictObject({
      screenChoice: config.allowTie ? z.enum(['left', 'right', 'tie']) : z.enum(['left', 'right']),
      choice: choiceSchema(config),
      ...rationaleShape('reason', config.reason),
    }) as z.ZodMiniType<PairwiseJudgment>,
  goldAnswerSchema: (config) => z.object({ choice: choiceSchema(config) }),
  compareWithGold(judgment, gold) {
    const correct = judgment.choice === gold.choice;
    // A tie against a clear preference is half wrong, a reversed preference fully wrong.
    return { correct, score: correct ? 1 : judgment.choice === 'tie' || gold.choice === 'tie' ? 0.5 : 0 };
  },
  displayOrderProblem(judgment, swapped) {
    // The content choice follows from the click and the order served; a client claiming another order would skew
    // the position-bias figures (issue 12, finding 9).
    const served = contentChoice(judgment.screenChoice, swapped);
    return judgment.choice === served
      ? undefined
      : `choice: ${judgment.screenChoice} was response ${served} in the order served, not ${judgment.choice}`;
  },
  aggregationKind: 'pairwise',
  toAggregationLabel: (judgment) => (judgment.choice === 'A' ? 1 : judgment.choice === 'B' ? 0 : 0.5),
  aggregationClasses: () => [...PAIR_CLASSES],
  exportColumns: () => [
    { name: 'prefer_a', type: 'integer' },
    { name: 'prefer_b', type: 'integer' },
    { name: 'ties', type: 'integer' },
    { name: 'chose_left', type: 'integer' },
  ],
  exportRow: ({ judgments }) => ({
    prefer_a: judgments.filter((j) => j.choice === 'A').length,
    prefer_b: judgments.filter((j) => j.choice === 'B').length,
    ties: judgments.filter((j) => j.choice === 'tie').length,
    chose_left: judgments.filter((j) => j.screenChoice === 'left').length,
  }),
  mturkFrameHeight: 1000,
  shortcuts: (config) => [
    { key: '1', description: 'Left response (A when stacked) is better' },
    { key: '2', description: 'Right response (B when stacked) is better' },
    ...(config.allowTie ? [{ key: '0', description: 'Tie' }] : []),
    ...(config.reason === 'required' ? [{ key: 'Enter', description: 'Submit' }] : []),
    ...(config.reason !== 'off'
      ? [
          { key: 'Esc', description: 'Leave the reason box' },
          { key: 'Ctrl+Enter', description: 'Submit from the reason box' },
        ]
      : []),
  ],
  judge: pairwiseJudge,
};
