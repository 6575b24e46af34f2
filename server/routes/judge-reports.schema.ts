import { z } from 'zod';

/** The report's query: one judge or all, and the routing budget to evaluate on the held-out human labels. */
export const judgeReportQuery = z.object({
  judgeId: z.coerce.number().int().positive().optional(),
  /** Human judgments per 1,000 documents. */
  budgetPer1000: z.coerce.number().min(0).max(50_000).default(100),
  /** Judgments per routed document. */
  k: z.coerce.number().int().min(1).max(50).default(3),
});

/** Drawing a blind human sample of judged documents now (it is also drawn when a judge's run finishes). */
export const calibrationSampleBody = z.object({
  judgeId: z.number().int().positive(),
  /** Documents; default: the judge's calibration sample size. */
  size: z.number().int().min(1).max(100_000).optional(),
  redundancy: z.number().int().min(1).max(50).default(3),
});

export type JudgeReportQuery = z.infer<typeof judgeReportQuery>;
