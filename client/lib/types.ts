/** Response shapes, taken from the server's presenters so client and server cannot drift apart. */
import type { presentDocument, presentImport, presentProject } from '../../server/presenters/projects.ts';
import type { presentApiToken, presentSession, presentUser } from '../../server/presenters/users.ts';
import type { ImportSummary } from '../../server/commands/import-corpus.ts';
import type { taskTypeSummaries } from '../../tasks/registry.ts';

export type Session = ReturnType<typeof presentSession>;
export type User = ReturnType<typeof presentUser>;
export type Ability = keyof Session['abilities'];
export type Role = User['role'];
export type Project = ReturnType<typeof presentProject> & { counts?: { documents: number; items: number; judgments: number } };
export type CorpusDocument = ReturnType<typeof presentDocument>;
/** A project member as the members panel lists it. */
export type ProjectMember = ReturnType<typeof import('../../server/presenters/projects.ts').presentMember>;
export type ProjectRole = ProjectMember['role'];
/** What a project update may send: only the fields to change. */
export type ProjectChanges = import('zod').input<typeof import('../../server/routes/projects.schema.ts').updateProjectBody>;
export type ImportRecord = ReturnType<typeof presentImport>;
/** A document with its items and every judgment of them (staff only). */
export type DocumentDetail = ReturnType<typeof import('../../server/presenters/documents.ts').presentDocumentDetail>;
export type DocumentJudgment = DocumentDetail['items'][number]['judgments'][number];
export type { ImportSummary };
export type ApiToken = ReturnType<typeof presentApiToken>;
export type TaskTypeSummary = ReturnType<typeof taskTypeSummaries>[number];

// batches and quality
type BatchQueries = typeof import('../../server/db/queries/batches.ts');
export type BatchProgress = Awaited<ReturnType<BatchQueries['batchProgress']>>;
/** A batch as listed, with its progress; dates arrive as ISO strings. */
export type Batch = Awaited<ReturnType<BatchQueries['listBatches']>>[number] & { progress: BatchProgress };
/** What the create-batch form sends: schema defaults fill what is left out. */
export type CreateBatchInput = import('zod').input<typeof import('../../server/routes/batches.schema.ts').createBatchBody>;
export type SamplingPlan = NonNullable<CreateBatchInput['sampling']>;
export type GeneratedBatch = Awaited<ReturnType<typeof import('../../server/commands/generate-batch.ts').generateBatch>>;
export type QualityReport = ReturnType<typeof import('../../server/presenters/quality.ts').presentQualityReport>;
export type AnnotatorReport = QualityReport['annotators'][number];
export type AggregationRun = ReturnType<typeof import('../../server/presenters/quality.ts').presentAggregationRun>;
export type AggregationSettings = import('../../server/quality/aggregation-settings.ts').AggregationSettings;

// crowd
/** A HIT as the MTurk worker page shows it: read-only in preview, the tasks to label once accepted. */
export type CrowdHit = Awaited<ReturnType<typeof import('../../server/commands/crowd-worker-submission.ts').crowdHitTasks>>;
export type CrowdTask = CrowdHit['tasks'][number];
export type CrowdSubmission = import('zod').input<typeof import('../../server/routes/mturk-worker.routes.ts').submissionBody>;
export type ProlificSubmission = import('zod').input<typeof import('../../server/routes/prolific-worker.routes.ts').prolificSubmissionBody>;
/** The three parameters Prolific puts in the study URL. */
export type ProlificArrival = Pick<ProlificSubmission, 'PROLIFIC_PID' | 'STUDY_ID' | 'SESSION_ID'>;
export type CrowdEstimateInput = import('zod').input<typeof import('../../server/crowd/mturk/publish-options.ts').mturkEstimateOptionsSchema>;
export type CrowdEstimate = Awaited<ReturnType<typeof import('../../server/commands/publish-crowd.ts').estimateCrowdBatch>>;
/** What the publish form sends: schema defaults fill what is left out. */
export type CrowdPublishInput = import('zod').input<typeof import('../../server/crowd/mturk/publish-options.ts').mturkPublishOptionsSchema>;
export type ProlificEstimateInput = import('zod').input<
  typeof import('../../server/crowd/prolific/publish-options.ts').prolificEstimateOptionsSchema
>;
export type ProlificPublishInput = import('zod').input<typeof import('../../server/crowd/prolific/publish-options.ts').prolificPublishOptionsSchema>;
export type CrowdPublished = Awaited<ReturnType<typeof import('../../server/commands/publish-crowd.ts').publishCrowdBatch>>;
export type CrowdSyncResult = Awaited<ReturnType<typeof import('../../server/commands/sync-crowd.ts').syncCrowdProject>>;
export type CrowdStatus = ReturnType<typeof import('../../server/presenters/crowd.ts').presentCrowdStatus>;
export type HeldAssignment = ReturnType<typeof import('../../server/presenters/crowd.ts').presentHeldAssignment>;
export type CrowdDecision = Awaited<ReturnType<typeof import('../../server/commands/manage-crowd.ts').decideHeldAssignment>>;
/** Whether the crowd channel has what it needs (AWS credentials) to be called, and what is missing if not. */
export type CrowdChannelState = {
  channel: string;
  vocabulary: import('../../server/crowd/channel.ts').ChannelVocabulary;
  endpoint: string;
} & import('../../server/crowd/channel.ts').CrowdReadiness;
/** A project's crowd settings (review policy, bonus, qualification) with defaults filled in. */
export type CrowdSettings = import('../../server/crowd/crowd-settings.ts').CrowdSettings;

// review, export and filter
export type ReviewItem = ReturnType<typeof import('../../server/presenters/tasks.ts').presentReviewItem>;
export type ReviewJudgment = ReviewItem['judgments'][number];
export type Adjudication = Awaited<ReturnType<typeof import('../../server/commands/gold-and-review.ts').adjudicateItem>>;
export type FilterReport = Awaited<ReturnType<typeof import('../../server/commands/filter-decisions.ts').filterReport>>;
export type ClassifierRuns = ReturnType<typeof import('../../server/presenters/classifier.ts').presentClassifierRuns>;
export type ClassifierRun = ReturnType<typeof import('../../server/presenters/classifier.ts').presentClassifierRun>;
export type ClassifierTrainInput = import('zod').input<typeof import('../../server/routes/classifier.schema.ts').trainBody>;
export type ClassifierRoundInput = import('zod').input<typeof import('../../server/routes/classifier-round.schema.ts').classifierRoundBody>;
export type CorpusFilterReport = Awaited<ReturnType<typeof import('../../server/commands/export-classifier.ts').classifierCorpusFilter>>;
/** Export options as the query string carries them: schema defaults fill what is left out. */
export type ExportQuery = import('zod').input<typeof import('../../server/export/export-options.ts').exportOptionsSchema> & { exportId: string };

// labeling
/** A leased task as the labeling screen receives it (dates arrive as ISO strings). */
export type LabelingTask = ReturnType<typeof import('../../server/presenters/tasks.ts').presentTask>;
export type SubmitInput = import('zod').input<typeof import('../../server/routes/annotate.schema.ts').submitBody>;
export type SkipInput = import('zod').input<typeof import('../../server/routes/annotate.schema.ts').skipBody>;
export type FlagReason = NonNullable<SkipInput['flag']>['reason'];
/** Training mode: how an answer compared with the gold answer. */
export type GoldFeedback = NonNullable<import('../../tasks/task-type.ts').LabelerProps<unknown, unknown, unknown>['feedback']>;
export type SubmitResult = ReturnType<typeof import('../../server/presenters/tasks.ts').presentSubmitResult>;
export type UndoResult = ReturnType<typeof import('../../server/presenters/tasks.ts').presentUndoResult>;

// LLM judges
export type Judge = ReturnType<typeof import('../../server/presenters/judges.ts').presentJudge>;
export type JudgeRun = ReturnType<typeof import('../../server/presenters/judges.ts').presentJudgeRun>;
/** What the add-judge form sends: schema defaults fill what is left out. */
export type JudgeInput = import('zod').input<typeof import('../../server/routes/judges.schema.ts').addJudgeBody>;
export type JudgeChanges = import('zod').input<typeof import('../../server/routes/judges.schema.ts').updateJudgeBody>;
export type JudgeList = Awaited<ReturnType<typeof import('../../server/commands/manage-judges.ts').judgesOfProject>>;
export type JudgeWithRuns = Awaited<ReturnType<typeof import('../../server/commands/manage-judges.ts').judgeWithRuns>>;
export type JudgePreviewInput = import('zod').input<typeof import('../../server/routes/judges.schema.ts').previewBody>;
/** The exact messages a judge would be sent for one document, one conversation per order asked. */
export type JudgePreview = Awaited<ReturnType<typeof import('../../server/commands/manage-judges.ts').previewJudgePrompt>>;
/** The judges' calibration report against the human consensus (one judge or all), with the routing budget's evaluation. */
export type JudgeReport = ReturnType<typeof import('../../server/presenters/judge-reports.ts').presentJudgeReport>;
