import type { Project, User } from '../db/schema.ts';
import { adjudicate, documentIdsByExternalId, findItem, upsertGoldAnswers } from '../db/queries/items.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, notFound } from '../errors.ts';
import { describeZodError } from '../http/error-handler.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { runCommand, type CommandContext } from './run-command.ts';

/**
 * Sets gold answers by document external id, each validated by the task type's gold schema. All or nothing:
 * an unknown id or an invalid answer refuses the whole set, naming every problem.
 */
export async function setGoldAnswers(
  ctx: CommandContext,
  props: { project: Project; user: User; answers: { externalId: string; answer: unknown }[] },
) {
  const schema = projectTaskType(props.project)!.goldAnswerSchema;
  const ids = await documentIdsByExternalId(
    ctx.store.db,
    props.project.id,
    props.answers.map((a) => a.externalId),
  );
  const problems: string[] = [];
  const rows = props.answers.flatMap((a, index) => {
    const documentId = ids.get(a.externalId);
    if (!documentId) {
      problems.push(`answers.${index}: no document with external id "${a.externalId}"`);
      return [];
    }
    const parsed = schema.safeParse(a.answer);
    if (!parsed.success) {
      problems.push(`answers.${index}.answer: ${describeZodError(parsed.error)}`);
      return [];
    }
    return [{ projectId: props.project.id, documentId, answer: parsed.data, source: 'import' as const, createdBy: props.user.id }];
  });
  if (problems.length) throw badRequest(problems.slice(0, 20).join('; '), { problems });
  return runCommand(ctx, async (tx) => {
    await upsertGoldAnswers(tx, rows);
    await appendAudit(tx, { actorId: props.user.id, action: 'gold.set', target: `project:${props.project.id}`, details: { count: rows.length } });
    return { count: rows.length };
  });
}

/**
 * A reviewer's final answer for an item (adjudication), validated like a judgment; optionally promoted to a gold
 * answer so later batches test annotators on it.
 */
export async function adjudicateItem(
  ctx: CommandContext,
  props: { project: Project; user: User; itemId: number; answer: unknown; promoteToGold: boolean },
) {
  const parsed = projectTaskType(props.project)!.goldAnswerSchema.safeParse(props.answer);
  if (!parsed.success) throw badRequest(`answer: ${describeZodError(parsed.error)}`);
  return runCommand(ctx, async (tx, emit) => {
    const item = await findItem(tx, props.itemId);
    if (!item || item.projectId !== props.project.id) throw notFound('Item');
    await adjudicate(tx, { itemId: item.id, reviewerId: props.user.id, answer: parsed.data, promotedToGold: props.promoteToGold });
    if (props.promoteToGold) {
      await upsertGoldAnswers(tx, [
        { projectId: props.project.id, documentId: item.documentId, answer: parsed.data, source: 'reviewer', createdBy: props.user.id },
      ]);
    }
    await appendAudit(tx, {
      actorId: props.user.id,
      action: 'item.adjudicate',
      target: `item:${item.id}`,
      details: { promoteToGold: props.promoteToGold },
    });
    emit({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: item.batchId, itemId: item.id } });
    return { itemId: item.id, answer: parsed.data, promotedToGold: props.promoteToGold };
  });
}
