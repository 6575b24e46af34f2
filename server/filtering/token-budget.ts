/**
 * Compute-optimal training uses about 20 tokens per parameter (Hoffmann et al. 2022, "Training Compute-Optimal
 * Large Language Models", the Chinchilla result). Given a target model size and the share of raw tokens a quality
 * threshold keeps, this says how many tokens training needs and how many raw tokens must be collected to get them.
 */
export const CHINCHILLA_TOKENS_PER_PARAMETER = 20;

export interface TokenBudget {
  parameters: number;
  tokensNeeded: number;
  keepRate: number;
  rawTokensToCollect: number | null;
}

/** The token budget for a model of `parameters` when `keepRate` (0..1, by tokens) of raw data survives filtering. */
export function tokenBudget(parameters: number, keepRate: number, tokensPerParameter = CHINCHILLA_TOKENS_PER_PARAMETER): TokenBudget {
  if (!(parameters > 0)) throw new RangeError('parameters must be positive');
  if (!(keepRate >= 0 && keepRate <= 1)) throw new RangeError('keepRate must be within 0..1');
  const tokensNeeded = parameters * tokensPerParameter;
  return { parameters, tokensNeeded, keepRate, rawTokensToCollect: keepRate > 0 ? tokensNeeded / keepRate : null };
}
