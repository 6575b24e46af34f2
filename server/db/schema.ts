/**
 * The one source of row types for the whole domain (see DESIGN.md). Large tables use bigint identity keys so a
 * project of tens of millions of documents, items and judgments needs no schema change.
 */
import {
  bigint,
  customType,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { ClassifierReport, ClassifierTraining } from '../filtering/classifier-training-set.ts';

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });
/** Raw bytes: drizzle's pg-core has no bytea column of its own. */
const customBytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const roles = ['admin', 'reviewer', 'annotator'] as const;

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: roles }).notNull().default('annotator'),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
});

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    /** sha256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the secret, so a user can tell tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    data: jsonb('data').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

export const projects = pgTable('projects', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  taskType: text('task_type').notNull(),
  /** The task type's config (rubric, scale, labels), validated by its configSchema. */
  config: jsonb('config').notNull(),
  /** Field mapping from corpus records to the task type's payload. */
  fieldMapping: jsonb('field_mapping').notNull().default({}),
  /** Annotators see gold feedback after each gold item. */
  trainingMode: boolean('training_mode').notNull().default(false),
  /** Crowd review policy and aggregation settings. */
  settings: jsonb('settings').notNull().default({}),
  /** Project-level results of the latest aggregation: agreement figures, position bias, classes. */
  quality: jsonb('quality').notNull().default({}),
  /** Set when judgments change; cleared by the aggregation run that picks the change up. */
  aggregationRequestedAt: timestamp('aggregation_requested_at', { withTimezone: true }),
  aggregatedAt: timestamp('aggregated_at', { withTimezone: true }),
  /** Every annotator may see and label it, member or not (reviewing still needs a reviewer role). */
  openToAll: boolean('open_to_all').notNull().default(false),
  /** Set while archived: hidden from annotators and default lists, read-only, still exportable; cleared on restore. */
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  createdBy: ref('created_by').references(() => users.id),
  createdAt: createdAt(),
});

export const projectRoles = ['annotator', 'reviewer'] as const;

/** Who may work in a project beyond admins: annotators label it, reviewers also review it. */
export const projectMembers = pgTable(
  'project_members',
  {
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: projectRoles }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId)],
);

export const imports = pgTable(
  'imports',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    filename: text('filename').notNull(),
    format: text('format', { enum: ['jsonl', 'json', 'csv', 'parquet'] }).notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    imported: integer('imported').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** The error report: per-line problems (capped) and the summary. */
    report: jsonb('report').notNull().default({}),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('imports_project_idx').on(t.projectId)],
);

export const documents = pgTable(
  'documents',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    importId: ref('import_id').references(() => imports.id),
    externalId: text('external_id').notNull(),
    /** sha256 of the text, hex: exact duplicates within a project are skipped on import. */
    contentHash: text('content_hash').notNull(),
    text: text('text').notNull(),
    meta: jsonb('meta').notNull().default({}),
    source: text('source'),
    url: text('url'),
    lang: text('lang'),
    tokenEstimate: integer('token_estimate').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('documents_project_hash_idx').on(t.projectId, t.contentHash),
    index('documents_project_external_idx').on(t.projectId, t.externalId),
    index('documents_project_source_idx').on(t.projectId, t.source, t.id),
  ],
);

/**
 * A project's document counts per source, as rows of changes that add up: a statement-level trigger on documents
 * (migration 0007) appends one row per source for every insert or delete statement, and an import folds its
 * project's rows into one per source before it commits. The documents list reads its totals here in time that
 * does not grow with the corpus, where a count over 10^7 documents took seconds. No foreign key: a project's
 * documents go before the project, and the rows they leave sum to zero.
 */
export const documentCounts = pgTable(
  'document_counts',
  {
    projectId: ref('project_id').notNull(),
    source: text('source'),
    n: bigint('n', { mode: 'number' }).notNull(),
    tokens: doublePrecision('tokens').notNull(),
  },
  (t) => [index('document_counts_project_idx').on(t.projectId, t.source)],
);

export const batches = pgTable(
  'batches',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    name: text('name').notNull(),
    status: text('status', { enum: ['draft', 'open', 'closed'] })
      .notNull()
      .default('draft'),
    channel: text('channel', { enum: ['inhouse', 'crowd'] })
      .notNull()
      .default('inhouse'),
    /** Sampling plan: strategy, strata and target proportions, size, seed. */
    sampling: jsonb('sampling').notNull(),
    redundancy: integer('redundancy').notNull(),
    goldRate: doublePrecision('gold_rate').notNull().default(0),
    priority: integer('priority').notNull().default(0),
    seed: integer('seed').notNull(),
    /** Set while archived: closed to leasing, hidden from the default batch list, still exportable; cleared on restore. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('batches_project_idx').on(t.projectId)],
);

export const items = pgTable(
  'items',
  {
    id: id(),
    batchId: ref('batch_id')
      .notNull()
      .references(() => batches.id),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    documentId: ref('document_id')
      .notNull()
      .references(() => documents.id),
    isGold: boolean('is_gold').notNull().default(false),
    /** Judgments wanted; raised by adaptive redundancy up to the project's maximum. */
    targetK: integer('target_k').notNull(),
    /** broken: withdrawn from serving because the task type cannot show its document (a flag says why). */
    status: text('status', { enum: ['open', 'complete', 'review', 'adjudicated', 'broken'] })
      .notNull()
      .default('open'),
    createdAt: createdAt(),
  },
  (t) => [index('items_batch_idx').on(t.batchId), index('items_project_idx').on(t.projectId, t.status), index('items_document_idx').on(t.documentId)],
);

export const slots = pgTable(
  'slots',
  {
    id: id(),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    batchId: ref('batch_id')
      .notNull()
      .references(() => batches.id),
    /** Serving order: lower first; breadth-first over items when k > 1. */
    ordinal: integer('ordinal').notNull(),
    status: text('status', { enum: ['open', 'leased', 'done'] })
      .notNull()
      .default('open'),
    leasedBy: ref('leased_by').references(() => users.id),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** Pairwise tasks: whether the responses are shown right-to-left, recorded to measure position bias. */
    swapped: boolean('swapped').notNull().default(false),
    /** 'inhouse' slots are leased in the app; 'crowd' slots are fulfilled through a crowd channel. */
    channel: text('channel', { enum: ['inhouse', 'crowd'] })
      .notNull()
      .default('inhouse'),
  },
  (t) => [
    // Leasing walks this in serving order and stops at the first free slot; finished slots drop out of it.
    index('slots_serve_idx')
      .on(t.batchId, t.ordinal)
      .where(sql`status <> 'done'`),
    index('slots_item_idx').on(t.itemId),
    index('slots_lease_idx').on(t.status, t.leaseExpiresAt),
    // The guarantee behind "never the same item twice to one annotator", whatever races the lease query loses.
    uniqueIndex('slots_item_holder_idx')
      .on(t.itemId, t.leasedBy)
      .where(sql`leased_by is not null`),
    // Every lease call asks what its annotator holds (renewal, and the items a new lease must skip): without this,
    // each reads the whole (item, holder) index, which grows with every slot done.
    index('slots_holder_idx')
      .on(t.leasedBy)
      .where(sql`leased_by is not null`),
  ],
);

export const judgments = pgTable(
  'judgments',
  {
    id: id(),
    /** Client-generated id: a retried submit returns the first result. */
    clientId: text('client_id').notNull().unique(),
    slotId: ref('slot_id').references(() => slots.id),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    userId: ref('user_id').references(() => users.id),
    /** Crowd work: the submission it arrived in; it stays pending until the channel's API confirms that submission. */
    crowdSubmissionId: ref('crowd_submission_id'),
    /** Stable key of who judged: `u:<userId>` or `<channel>:<workerId>`; aggregation groups on it. */
    workerKey: text('worker_key').notNull(),
    kind: text('kind', { enum: ['label', 'skip'] }).notNull(),
    value: jsonb('value'),
    skipReason: text('skip_reason'),
    timeSpentMs: integer('time_spent_ms').notNull().default(0),
    /** Pairwise: response B was shown on the left for this judgment (recorded to measure position bias). */
    swapped: boolean('swapped').notNull().default(false),
    /** pending: crowd work not yet confirmed by the channel; undone: withdrawn by its author. */
    status: text('status', { enum: ['final', 'pending', 'undone', 'rejected'] })
      .notNull()
      .default('final'),
    createdAt: createdAt(),
  },
  (t) => [
    index('judgments_item_idx').on(t.itemId),
    index('judgments_project_idx').on(t.projectId, t.id),
    index('judgments_worker_idx').on(t.projectId, t.workerKey),
    // One live label per annotator per item, enforced by the store itself.
    uniqueIndex('judgments_item_worker_idx')
      .on(t.itemId, t.workerKey)
      .where(sql`kind = 'label' and status in ('final', 'pending')`),
    // Replacing or purging a crowd submission finds its judgments by it.
    index('judgments_crowd_submission_idx')
      .on(t.crowdSubmissionId)
      .where(sql`crowd_submission_id is not null`),
  ],
);

export const goldAnswers = pgTable(
  'gold_answers',
  {
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    documentId: ref('document_id')
      .notNull()
      .references(() => documents.id),
    answer: jsonb('answer').notNull(),
    source: text('source', { enum: ['import', 'reviewer'] }).notNull(),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.documentId] })],
);

export const flags = pgTable(
  'flags',
  {
    id: id(),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    documentId: ref('document_id')
      .notNull()
      .references(() => documents.id),
    userId: ref('user_id').references(() => users.id),
    reason: text('reason', { enum: ['pii', 'harmful', 'broken', 'other'] }).notNull(),
    note: text('note').notNull().default(''),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('flags_item_idx').on(t.itemId)],
);

export const adjudications = pgTable('adjudications', {
  itemId: ref('item_id')
    .primaryKey()
    .references(() => items.id),
  reviewerId: ref('reviewer_id').references(() => users.id),
  answer: jsonb('answer').notNull(),
  promotedToGold: boolean('promoted_to_gold').notNull().default(false),
  createdAt: createdAt(),
});

export const aggregates = pgTable(
  'aggregates',
  {
    itemId: ref('item_id')
      .primaryKey()
      .references(() => items.id),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    method: text('method').notNull(),
    /** Final label (categorical), or null where a continuous score is the result. */
    label: jsonb('label'),
    score: doublePrecision('score'),
    low: doublePrecision('low'),
    high: doublePrecision('high'),
    confidence: doublePrecision('confidence').notNull(),
    nJudgments: integer('n_judgments').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('aggregates_project_idx').on(t.projectId, t.confidence)],
);

export const annotatorStats = pgTable(
  'annotator_stats',
  {
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    workerKey: text('worker_key').notNull(),
    stats: jsonb('stats').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.workerKey] })],
);

export const crowdHits = pgTable(
  'crowd_hits',
  {
    id: id(),
    batchId: ref('batch_id')
      .notNull()
      .references(() => batches.id),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    channel: text('channel').notNull(),
    /** Deterministic per batch and HIT index so a retried publish creates no duplicate. */
    uniqueRequestToken: text('unique_request_token').notNull().unique(),
    externalId: text('external_id'),
    itemIds: jsonb('item_ids').notNull(),
    /** `qualification`: a test made of gold items; passing it grants our qualification. */
    purpose: text('purpose', { enum: ['work', 'qualification'] })
      .notNull()
      .default('work'),
    maxAssignments: integer('max_assignments').notNull(),
    rewardCents: integer('reward_cents').notNull(),
    status: text('status').notNull(),
    /** Time a worker has to submit after accepting (null on HITs published before it was recorded). */
    assignmentDurationSeconds: integer('assignment_duration_seconds'),
    /** When the HIT stops taking workers, as published: expiring it early only ends it sooner, so it bounds accepts. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** When a sync last listed every assignment the channel holds for this HIT. */
    assignmentsListedAt: timestamp('assignments_listed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('crowd_hits_batch_idx').on(t.batchId)],
);

export const crowdAssignments = pgTable(
  'crowd_assignments',
  {
    id: id(),
    hitId: ref('hit_id')
      .notNull()
      .references(() => crowdHits.id),
    externalId: text('external_id').notNull().unique(),
    workerId: text('worker_id').notNull(),
    status: text('status').notNull(),
    /** Our decision, recorded before the channel call so a crash never repeats a payment. */
    decision: text('decision', { enum: ['approve', 'reject', 'hold'] }),
    decisionReason: text('decision_reason'),
    /** Bonus the decision grants, as a money string. */
    decisionBonus: text('decision_bonus'),
    goldCorrect: integer('gold_correct'),
    goldTotal: integer('gold_total'),
    decisionSyncedAt: timestamp('decision_synced_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('crowd_assignments_worker_idx').on(t.workerId)],
);

/**
 * What a crowd worker's browser sent us, keyed by a random token that travels inside the answer the worker submits
 * to the channel. Only an assignment the channel's API returns, carrying this token, makes the judgments count:
 * a worker or assignment id typed into a URL proves nothing.
 */
export const crowdSubmissions = pgTable(
  'crowd_submissions',
  {
    id: id(),
    token: text('token').notNull().unique(),
    hitId: ref('hit_id')
      .notNull()
      .references(() => crowdHits.id),
    externalAssignmentId: text('external_assignment_id').notNull(),
    /** As the browser claimed it; replaced by the channel's own word at confirmation. */
    claimedWorkerId: text('claimed_worker_id').notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('crowd_submissions_assignment_idx').on(t.externalAssignmentId),
    // A HIT's submissions are counted, and one per assignment found, on every submit.
    index('crowd_submissions_hit_idx').on(t.hitId, t.externalAssignmentId),
  ],
);

export const crowdWorkers = pgTable(
  'crowd_workers',
  {
    channel: text('channel').notNull(),
    workerId: text('worker_id').notNull(),
    blocked: boolean('blocked').notNull().default(false),
    qualified: boolean('qualified').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.workerId] })],
);

/** Money moved or committed, one row per effect; the idempotency key makes every payment happen once. */
export const costLedger = pgTable(
  'cost_ledger',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id),
    hitId: ref('hit_id').references(() => crowdHits.id),
    workerId: text('worker_id'),
    kind: text('kind', { enum: ['reward', 'bonus', 'fee'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('cost_ledger_project_idx').on(t.projectId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorId: ref('actor_id').references(() => users.id),
    action: text('action').notNull(),
    target: text('target').notNull(),
    details: jsonb('details').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_created_idx').on(t.createdAt)],
);

/** Hit counters shared by every server process (login attempts per address and per account). */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
);

/** Large Socket.IO packets that the PostgreSQL adapter passes between processes (its own table layout). */
export const socketIoAttachments = pgTable('socket_io_attachments', {
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),
  payload: customBytea('payload'),
});

/**
 * Quality classifier training runs of a project, kept as its history: the settings, the class scheme, the held-out
 * evaluation beside its baselines, and the model itself as the fastText `.bin` it is exported as (so the stored
 * bytes are what pipelines load). Scoring the corpus with a run is tracked on the run.
 */
export const classifierRuns = pgTable(
  'classifier_runs',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    /** The training options as given, after defaults (seed included), so a run can be repeated. */
    settings: jsonb('settings').$type<ClassifierTraining>().notNull(),
    /** Class names in the model's output order and the number each stands for. */
    classes: jsonb('classes').notNull().default([]),
    trainExamples: integer('train_examples').notNull().default(0),
    heldOutExamples: integer('held_out_examples').notNull().default(0),
    /** The held-out evaluation with its baselines, and the held-out (score, reference) pairs thresholds are read from. */
    report: jsonb('report').$type<Partial<ClassifierReport>>().notNull().default({}),
    model: customBytea('model'),
    message: text('message').notNull().default(''),
    scoreStatus: text('score_status', { enum: ['running', 'succeeded', 'failed'] }),
    scored: integer('scored').notNull().default(0),
    scoredAt: timestamp('scored_at', { withTimezone: true }),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('classifier_runs_project_idx').on(t.projectId, t.id)],
);

/** The classifier's score of every document of a project, from the run that scored it last. */
export const documentScores = pgTable(
  'document_scores',
  {
    documentId: ref('document_id')
      .primaryKey()
      .references(() => documents.id, { onDelete: 'cascade' }),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    runId: ref('run_id')
      .notNull()
      .references(() => classifierRuns.id, { onDelete: 'cascade' }),
    /** Expected value of the classes under the probabilities (P(keep) for keep/drop). */
    score: doublePrecision('score').notNull(),
    /** Class probabilities in the run's class order. */
    probabilities: real('probabilities').array().notNull(),
  },
  (t) => [index('document_scores_project_idx').on(t.projectId, t.documentId)],
);

/**
 * LLM judges of a project: OpenAI-compatible chat-completions endpoints that label like annotators (worker key
 * `judge:<id>`). The API key is never stored: only the name of the environment variable it is read from at call time.
 */
export const judges = pgTable(
  'judges',
  {
    id: id(),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    model: text('model').notNull(),
    /** Name of the environment variable holding the API key (local servers may need none). */
    apiKeyEnv: text('api_key_env'),
    temperature: real('temperature').notNull().default(0),
    maxTokens: integer('max_tokens').notNull().default(512),
    concurrency: integer('concurrency').notNull().default(4),
    timeoutMs: integer('timeout_ms').notNull().default(60000),
    /** Admin override of the task type's prompt template; null uses the task type's own. */
    promptTemplate: text('prompt_template'),
    /** Prices per million tokens, in the project's currency, for the cost figures. */
    priceInputPerMTok: doublePrecision('price_input_per_mtok').notNull().default(0),
    priceOutputPerMTok: doublePrecision('price_output_per_mtok').notNull().default(0),
    /** Size of the blind human sample drawn to calibrate this judge against. */
    calibrationSampleSize: integer('calibration_sample_size').notNull().default(100),
    /** Running totals over every run of the judge. */
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    cost: doublePrecision('cost').notNull().default(0),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('judges_project_name_idx').on(t.projectId, t.name)],
);

/** One run of a judge over a batch's items or the whole corpus; resumable, so its counts are the stored answers'. */
export const judgeRuns = pgTable(
  'judge_runs',
  {
    id: id(),
    judgeId: ref('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    scope: text('scope', { enum: ['batch', 'corpus'] }).notNull(),
    // A deleted batch keeps its judges' run history (the answers are per document, not per item).
    batchId: ref('batch_id').references(() => batches.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['queued', 'running', 'paused', 'cancelled', 'done', 'failed'] })
      .notNull()
      .default('queued'),
    /** Documents in scope when the run started. */
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    /** Documents whose calls failed after every retry (left unanswered, so a later run retries them). */
    failed: integer('failed').notNull().default(0),
    unparsed: integer('unparsed').notNull().default(0),
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    cost: doublePrecision('cost').notNull().default(0),
    lastError: text('last_error'),
    createdBy: ref('created_by').references(() => users.id),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('judge_runs_judge_idx').on(t.judgeId, t.id), index('judge_runs_status_idx').on(t.status)],
);

/**
 * A judge's answer on one document, parsed or not: at most one per (judge, document), which is what makes a resumed
 * run unable to judge a document twice. Parsed answers also become judgments on the document's items.
 */
export const judgeAnswers = pgTable(
  'judge_answers',
  {
    id: id(),
    judgeId: ref('judge_id')
      .notNull()
      .references(() => judges.id, { onDelete: 'cascade' }),
    runId: ref('run_id')
      .notNull()
      .references(() => judgeRuns.id, { onDelete: 'cascade' }),
    projectId: ref('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    documentId: ref('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['parsed', 'unparsed'] }).notNull(),
    /** The model's text; pairwise keeps the swapped-order answer in rawSwapped. */
    raw: text('raw').notNull(),
    rawSwapped: text('raw_swapped'),
    /** The judgment value in the task type's judgment schema (parsed answers only). */
    value: jsonb('value'),
    parseError: text('parse_error'),
    /** Pairwise: the two orders disagreed (position bias). */
    orderDisagreement: boolean('order_disagreement').notNull().default(false),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    attempts: integer('attempts').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('judge_answers_judge_document_idx').on(t.judgeId, t.documentId),
    index('judge_answers_run_idx').on(t.runId, t.status),
    index('judge_answers_project_idx').on(t.projectId, t.documentId),
  ],
);

export type User = typeof users.$inferSelect;
export type ProjectRole = (typeof projectRoles)[number];
export type Role = (typeof roles)[number];
export type Project = typeof projects.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type ImportRow = typeof imports.$inferSelect;
export type ClassifierRun = typeof classifierRuns.$inferSelect;
export type Judge = typeof judges.$inferSelect;
export type JudgeRun = typeof judgeRuns.$inferSelect;
export type JudgeAnswer = typeof judgeAnswers.$inferSelect;

/** Server-wide values generated once and shared by every process (e.g. the session signing secret). */
export const serverSettings = pgTable('server_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
