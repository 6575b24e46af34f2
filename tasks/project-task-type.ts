/**
 * A task type bound to one project's config, for code that holds stored or incoming values it cannot type: every
 * method takes `unknown` and parses it with the task type's own schemas before calling the typed method. The
 * registry's types form a union, whose method parameters intersect to `never`; this view is built inside a generic
 * function that knows the concrete types, so callers need no cast, and a stored value that does not fit fails here
 * with a {@link TaskValueError} naming it, not deep inside a task type's code.
 */
import type { z } from './lib/zod.ts';
import type { JudgeMessage, JudgeReading } from './lib/judge-prompt.ts';
import { renderMessages, unknownPlaceholders } from './lib/judge-prompt.ts';
import type { AggregationKind, AspectScale, ExportColumn, ExportValue, GoldComparison, Shortcut, TaskType, TaskTypeName } from './task-type.ts';

/** A config, judgment, gold answer or payload that does not fit its task type's schema. */
export class TaskValueError extends Error {
  constructor(
    readonly taskType: TaskTypeName,
    readonly what: 'config' | 'judgment' | 'gold answer' | 'payload',
    readonly issues: readonly { path: readonly PropertyKey[]; message: string }[],
  ) {
    super(`${taskType}: a ${what} does not fit (${issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')})`);
    this.name = 'TaskValueError';
  }
}

/** One project's task type, taking values as `unknown`. */
export interface ProjectTaskType {
  name: TaskTypeName;
  aggregationKind: AggregationKind;
  mturkFrameHeight: number;
  /** The project's config with its defaults filled in. */
  config: unknown;
  /** Checks an incoming judgment (safeParse it to report problems to the client). */
  judgmentSchema: z.ZodMiniType<unknown>;
  /** Checks an incoming gold answer. */
  goldAnswerSchema: z.ZodMiniType<unknown>;
  /**
   * Whether a stored judgment fits the config as it is now. Read paths ask this first and leave out (and count) a
   * judgment that does not: an admin may change the config after judging started, and the old labels must then
   * neither block an export or an aggregation nor be read as something they were not. No change is read leniently
   * (say, a judgment missing an aspect added since): which changes are harmless differs per type and per use
   * (the score still fits, the aspect agreement would not), and the raw value stays in exports either way.
   */
  fitsJudgment(judgment: unknown): boolean;
  /** Whether a stored gold answer fits the config as it is now; see {@link fitsJudgment}. */
  fitsGold(gold: unknown): boolean;
  compareWithGold(judgment: unknown, gold: unknown): GoldComparison;
  displayOrderProblem(judgment: unknown, swapped: boolean): string | undefined;
  /** The number aggregated for a judgment. */
  judgmentLabel(judgment: unknown): number;
  /** The number aggregated for a gold answer. */
  goldLabel(gold: unknown): number;
  aspectScores(judgment: unknown): Record<string, number> | undefined;
  aggregationClasses(): string[] | undefined;
  aggregationScale(): { min: number; max: number } | undefined;
  aggregationAspects(): AspectScale[] | undefined;
  keepLabel(): string | undefined;
  /** Present for types that review generated text. */
  editReview?: {
    of(judgment: unknown): { accepted: boolean; errorTags: string[]; corrected?: string };
    original(payload: unknown): string;
  };
  exportColumns(): ExportColumn[];
  exportRow(item: { payload: unknown; judgments: unknown[] }): Record<string, ExportValue>;
  shortcuts(): Shortcut[];
  /** The task as put to an LLM judge. */
  judge: {
    /** The type's default prompt template. */
    template: string;
    placeholders: Record<string, string>;
    /** Placeholders of a template this type does not fill (an edited template is refused with them). */
    unknownPlaceholders(template: string): string[];
    /** The messages for a payload, one conversation per order asked. */
    messages(template: string, payload: unknown): JudgeMessage[][];
    /** The judgment the answers stand for, checked against the judgment schema, or why they cannot be read. */
    read(answers: string[]): JudgeReading<unknown>;
  };
}

/** Binds a task type to a config (parsed, defaults filled in); throws a {@link TaskValueError} when it does not fit. */
export function bindTaskType<Config, Payload, Judgment>(type: TaskType<Config, Payload, Judgment>, rawConfig: unknown): ProjectTaskType {
  const parse = <T>(schema: z.ZodMiniType<T>, what: TaskValueError['what'], value: unknown): T => {
    const result = schema.safeParse(value);
    if (!result.success) throw new TaskValueError(type.name, what, result.error.issues);
    return result.data;
  };
  const config = parse(type.configSchema, 'config', rawConfig);
  const judgmentSchema = type.judgmentSchema(config);
  const goldAnswerSchema = type.goldAnswerSchema(config);
  const judgment = (value: unknown) => parse(judgmentSchema, 'judgment', value);
  const gold = (value: unknown) => parse(goldAnswerSchema, 'gold answer', value);
  const { editReview } = type;
  return {
    name: type.name,
    aggregationKind: type.aggregationKind,
    mturkFrameHeight: type.mturkFrameHeight,
    config,
    judgmentSchema,
    goldAnswerSchema,
    fitsJudgment: (j) => judgmentSchema.safeParse(j).success,
    fitsGold: (g) => goldAnswerSchema.safeParse(g).success,
    compareWithGold: (j, g) => type.compareWithGold(judgment(j), gold(g), config),
    displayOrderProblem: (j, swapped) => type.displayOrderProblem?.(judgment(j), swapped),
    judgmentLabel: (j) => type.toAggregationLabel(judgment(j), config),
    goldLabel: (g) => type.toAggregationLabel(gold(g), config),
    aspectScores: (j) => type.aspectScores?.(judgment(j)),
    aggregationClasses: () => type.aggregationClasses?.(config),
    aggregationScale: () => type.aggregationScale?.(config),
    aggregationAspects: () => type.aggregationAspects?.(config),
    keepLabel: () => type.keepLabel?.(config),
    editReview: editReview && {
      of: (j) => editReview.of(judgment(j)),
      original: (payload) => editReview.original(parse(type.payloadSchema, 'payload', payload)),
    },
    exportColumns: () => type.exportColumns(config),
    // The payload is read (and so checked) only when the type's row uses it: the caller may build it lazily.
    exportRow: (item) =>
      type.exportRow(
        {
          get payload() {
            return parse(type.payloadSchema, 'payload', item.payload);
          },
          judgments: item.judgments.map(judgment),
        },
        config,
      ),
    shortcuts: () => type.shortcuts(config),
    judge: {
      template: type.judge.template(config),
      placeholders: type.judge.placeholders,
      unknownPlaceholders: (template) => unknownPlaceholders(template, Object.keys(type.judge.placeholders)),
      messages: (template, payload) =>
        type.judge.variables(parse(type.payloadSchema, 'payload', payload), config).map((values) => renderMessages(template, values)),
      read(answers) {
        const reading = type.judge.parse(answers, config);
        if (!reading.ok) return reading;
        const checked = judgmentSchema.safeParse(reading.value);
        if (checked.success) return { ...reading, value: checked.data };
        return { ok: false, reason: checked.error.issues.map((i) => `${i.path.join('.') || 'judgment'}: ${i.message}`).join('; ') };
      },
    },
  };
}
