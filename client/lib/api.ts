import type {
  ApiToken,
  CorpusDocument,
  ImportRecord,
  ImportSummary,
  Project,
  ProjectMember,
  ProjectRole,
  Role,
  Session,
  TaskTypeSummary,
  User,
} from './types.ts';
import { toasts } from './toasts.svelte.ts';

/** An error answered by the API (or the network), carrying the server's stable id and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

/** The CSRF token sent with every non-GET request; refreshed from each session response. */
let csrfToken = '';

/** Remembers the CSRF token of the latest session response. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: { id?: string; message?: string } } | null)?.error;
  return new ApiError(status, error?.id ?? 'http_error', error?.message ?? `Request failed (${status})`, body);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}

/** Query string from defined values only. */
function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
}

/** Export options in a query string; booleans and numbers as text. */
function exportQuery(options: import('./types.ts').ExportQuery): string {
  return query(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v === undefined ? undefined : String(v)])));
}

/** Options of a corpus upload, sent in the query string. */
export interface UploadOptions {
  filename: string;
  /** Left out, the server tells it from the file name. */
  format?: import('../../server/import/import-options.ts').ImportFormat;
  textField?: string;
  idField?: string;
  meta?: string;
  maxErrors?: number;
}

/** What an upload answers: the summary whether the import succeeded (200) or was refused (422). */
export interface UploadResult {
  ok: boolean;
  summary: ImportSummary;
}

/**
 * Uploads a corpus file as the raw body. XMLHttpRequest rather than fetch because only it reports upload progress.
 */
function uploadCorpus(
  projectId: number,
  file: Blob,
  options: UploadOptions,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/imports${query({ ...options })}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted.'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // a non-JSON answer (proxy error page) falls through to the generic error below
      }
      const summary = (body as { import?: ImportSummary } | null)?.import;
      if (summary && (xhr.status === 200 || xhr.status === 422)) resolve({ ok: xhr.status === 200, summary });
      else reject(errorFrom(xhr.status, body));
    };
    xhr.send(file);
  });
}

/** The first records of a file (its head, or all of it) as an import with these options would take them; writes nothing. */
async function previewImport(projectId: number, head: Blob, options: UploadOptions & { partial: boolean; limit?: number }) {
  const params = query({ ...options, partial: String(options.partial) });
  let response: Response;
  try {
    response = await fetch(`/api/projects/${projectId}/imports/preview${params}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrfToken },
      credentials: 'same-origin',
      body: head,
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as { preview: import('../../server/commands/preview-import.ts').ImportPreview };
}

/** One page of a project's documents, keyset-paged by id, with how many match the filters over all pages. */
export interface DocumentPage {
  documents: CorpusDocument[];
  nextAfter: number | null;
  matches: number;
  stats: { total: number; tokens: number; bySource: { source: string; n: number; tokens: number }[] };
}

/** What narrows the documents list: free text, exact source and language, and `meta.<path>` values. */
export interface DocumentFilters {
  search?: string;
  source?: string;
  lang?: string;
  /** Dotted metadata path (e.g. `metadata.url`) → the exact value it must hold. */
  meta?: Record<string, string>;
}

/** The one typed client of the JSON API. Add endpoints here (e.g. annotate leases) rather than calling fetch elsewhere. */
export const api = {
  session: () => request<Session>('GET', '/session'),
  login: (email: string, password: string) => request<Session>('POST', '/auth/login', { email, password }),
  logout: () => request<unknown>('POST', '/auth/logout'),

  taskTypes: () => request<{ taskTypes: TaskTypeSummary[] }>('GET', '/task-types'),
  projects: () => request<{ projects: Project[] }>('GET', '/projects'),
  project: (id: number) => request<{ project: Project; abilities: Session['abilities'] }>('GET', `/projects/${id}`),
  createProject: (input: { name: string; taskType: string; description?: string }) => request<{ project: Project }>('POST', '/projects', input),
  updateProject: (id: number, changes: import('./types.ts').ProjectChanges) => request<{ project: Project }>('PATCH', `/projects/${id}`, changes),
  members: (projectId: number) => request<{ openToAll: boolean; members: ProjectMember[] }>('GET', `/projects/${projectId}/members`),
  addMember: (projectId: number, input: { email: string; role: ProjectRole }) =>
    request<{ member: ProjectMember }>('POST', `/projects/${projectId}/members`, input),
  removeMember: (projectId: number, userId: number) => request<{ removed: { userId: number } }>('DELETE', `/projects/${projectId}/members/${userId}`),
  /** Archives (hidden, read-only, still exportable) or restores a project or batch. */
  archive: (kind: 'projects' | 'batches', id: number, archived: boolean) => request<unknown>('POST', `/${kind}/${id}/archive`, { archived }),
  /** Deletes a project or batch; one holding judgments is refused (409 with the counts) or, when asked, archived. */
  remove: (kind: 'projects' | 'batches', id: number, whenLabeled: 'refuse' | 'archive') =>
    request<{ outcome: 'deleted' | 'archived' }>('DELETE', `/${kind}/${id}`, { confirm: true, whenLabeled }),
  /** Deletes a document no batch uses (409 when one does). */
  deleteDocument: (projectId: number, documentId: number) => request<{ deleted: number }>('DELETE', `/projects/${projectId}/documents/${documentId}`),

  documents: (projectId: number, { meta, ...params }: DocumentFilters & { after?: number; limit?: number }) =>
    request<DocumentPage>(
      'GET',
      `/projects/${projectId}/documents${query({ ...params, ...Object.fromEntries(Object.entries(meta ?? {}).map(([path, v]) => [`meta.${path}`, v])) })}`,
    ),
  document: (projectId: number, documentId: number) =>
    request<import('./types.ts').DocumentDetail>('GET', `/projects/${projectId}/documents/${documentId}`),
  imports: (projectId: number) => request<{ imports: ImportRecord[] }>('GET', `/projects/${projectId}/imports`),
  uploadCorpus,
  previewImport,

  users: () => request<{ users: User[] }>('GET', '/users'),
  createUser: (input: { email: string; name: string; password: string; role: Role }) => request<{ user: User }>('POST', '/users', input),
  updateUser: (id: number, changes: { role?: Role; disabled?: boolean; name?: string; password?: string }) =>
    request<{ user: User }>('PATCH', `/users/${id}`, changes),

  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/tokens'),
  createToken: (name: string) => request<{ token: ApiToken; secret: string }>('POST', '/tokens', { name }),
  revokeToken: (id: number) => request<{ token: ApiToken }>('DELETE', `/tokens/${id}`),

  // labeling and review
  leaseTasks: (projectId: number, count: number, known: number[] = []) =>
    request<{
      tasks: import('./types.ts').LabelingTask[];
      /** Every slot the caller holds after the call, known ones included. */
      held: number[];
      labeled: number;
      progress: Awaited<ReturnType<typeof import('../../server/db/queries/leases.ts').labelingProgress>>;
    }>('POST', `/projects/${projectId}/tasks/lease`, { count, known }),
  myLabelCount: (projectId: number) => request<{ labeled: number }>('GET', `/projects/${projectId}/labeling`),
  renewTask: (slotId: number) => request<{ leaseExpiresAt: string }>('POST', `/tasks/${slotId}/renew`),
  skipTask: (slotId: number, input: import('./types.ts').SkipInput) => request<{ ok: boolean }>('POST', `/tasks/${slotId}/skip`, input),
  submitJudgment: (projectId: number, input: import('./types.ts').SubmitInput) =>
    request<import('./types.ts').SubmitResult>('POST', `/projects/${projectId}/judgments`, input),
  undoJudgment: (projectId: number) => request<import('./types.ts').UndoResult>('POST', `/projects/${projectId}/judgments/undo`),
  reviewQueue: (projectId: number, page: { after?: number; limit?: number } = {}) =>
    request<{ items: import('./types.ts').ReviewItem[]; total: number; nextAfter: number | null }>(
      'GET',
      `/projects/${projectId}/review${query(page)}`,
    ),
  adjudicate: (itemId: number, answer: unknown, promoteToGold: boolean) =>
    request<import('./types.ts').Adjudication>('POST', `/items/${itemId}/adjudicate`, { answer, promoteToGold }),

  // batches
  batches: (projectId: number) => request<{ batches: import('./types.ts').Batch[] }>('GET', `/projects/${projectId}/batches`),
  createBatch: (projectId: number, input: import('./types.ts').CreateBatchInput) =>
    request<import('./types.ts').GeneratedBatch>('POST', `/projects/${projectId}/batches`, input),
  openBatch: (batchId: number) => request<{ batch: Omit<import('./types.ts').Batch, 'progress'> }>('POST', `/batches/${batchId}/open`),
  closeBatch: (batchId: number) => request<{ batch: Omit<import('./types.ts').Batch, 'progress'> }>('POST', `/batches/${batchId}/close`),

  // quality, export and filter
  filterReport: (projectId: number, params: { threshold: number; parameters: number; thresholds: string }) =>
    request<import('./types.ts').FilterReport>('GET', `/projects/${projectId}/filter${query(params)}`),
  /** How many rows an export with these options writes; refuses what the download itself would refuse. */
  exportCount: (projectId: number, options: import('./types.ts').ExportQuery) =>
    request<{ rows: number; estimated: boolean }>('GET', `/projects/${projectId}/export/count${exportQuery(options)}`),
  /** Downloads are plain navigations (the browser streams them to disk), so these build URLs rather than fetch. */
  exportUrl: (projectId: number, options: import('./types.ts').ExportQuery) => `/api/projects/${projectId}/export${exportQuery(options)}`,
  filterIdsUrl: (projectId: number, threshold: number, decision: 'keep' | 'drop') =>
    `/api/projects/${projectId}/filter/ids${query({ threshold, decision })}`,
  quality: (projectId: number) => request<import('./types.ts').QualityReport>('GET', `/projects/${projectId}/quality`),
  aggregate: (projectId: number) => request<import('./types.ts').AggregationRun>('POST', `/projects/${projectId}/aggregate`),
  updateAggregationSettings: (projectId: number, aggregation: import('./types.ts').AggregationSettings) =>
    request<{ project: Project }>('PATCH', `/projects/${projectId}`, { settings: { aggregation } }),

  // quality classifier
  classifierRuns: (projectId: number) => request<import('./types.ts').ClassifierRuns>('GET', `/projects/${projectId}/classifier/runs`),
  trainClassifier: (projectId: number, settings: import('./types.ts').ClassifierTrainInput) =>
    request<{ run: import('./types.ts').ClassifierRun }>('POST', `/projects/${projectId}/classifier/runs`, settings),
  scoreCorpus: (projectId: number, runId: number) =>
    request<{ run: import('./types.ts').ClassifierRun }>('POST', `/projects/${projectId}/classifier/runs/${runId}/score`),
  classifierRound: (projectId: number, round: import('./types.ts').ClassifierRoundInput) =>
    request<{ run: import('./types.ts').ClassifierRun }>('POST', `/projects/${projectId}/classifier/rounds`, round),
  corpusFilter: (projectId: number, params: { threshold: number; parameters: number; thresholds: string }) =>
    request<import('./types.ts').CorpusFilterReport>('GET', `/projects/${projectId}/classifier/filter${query(params)}`),
  classifierModelUrl: (projectId: number, runId: number) => `/api/projects/${projectId}/classifier/runs/${runId}/model.bin`,
  classifierDownloadUrl: (projectId: number, file: 'training-file' | 'scores.parquet' | 'attributes') =>
    `/api/projects/${projectId}/classifier/${file}`,

  // LLM judges
  judges: (projectId: number) => request<import('./types.ts').JudgeList>('GET', `/projects/${projectId}/judges`),
  judge: (projectId: number, judgeId: number) => request<import('./types.ts').JudgeWithRuns>('GET', `/projects/${projectId}/judges/${judgeId}`),
  addJudge: (projectId: number, input: import('./types.ts').JudgeInput) =>
    request<{ judge: import('./types.ts').Judge }>('POST', `/projects/${projectId}/judges`, input),
  updateJudge: (projectId: number, judgeId: number, changes: import('./types.ts').JudgeChanges) =>
    request<{ judge: import('./types.ts').Judge }>('PATCH', `/projects/${projectId}/judges/${judgeId}`, changes),
  previewJudge: (projectId: number, judgeId: number, input: import('./types.ts').JudgePreviewInput) =>
    request<import('./types.ts').JudgePreview>('POST', `/projects/${projectId}/judges/${judgeId}/preview`, input),
  startJudgeRun: (
    projectId: number,
    judgeId: number,
    input: import('zod').input<typeof import('../../server/routes/judges.schema.ts').startRunBody>,
  ) => request<{ run: import('./types.ts').JudgeRun }>('POST', `/projects/${projectId}/judges/${judgeId}/runs`, input),
  judgeRun: (projectId: number, judgeId: number, runId: number) =>
    request<{ run: import('./types.ts').JudgeRun }>('GET', `/projects/${projectId}/judges/${judgeId}/runs/${runId}`),
  steerJudgeRun: (projectId: number, judgeId: number, runId: number, action: 'pause' | 'resume' | 'cancel') =>
    request<{ run: import('./types.ts').JudgeRun }>('POST', `/projects/${projectId}/judges/${judgeId}/runs/${runId}`, { action }),
  judgeReport: (projectId: number, judgeId?: number, budget?: { budgetPer1000?: number; k?: number }) =>
    request<import('./types.ts').JudgeReport>('GET', `/projects/${projectId}/judges/report${query({ judgeId, ...budget })}`),

  // crowd
  mturkHit: (hitId: string, assignmentId: string) => request<import('./types.ts').CrowdHit>('GET', `/mturk/hit${query({ hitId, assignmentId })}`),
  mturkSubmit: (submission: import('./types.ts').CrowdSubmission) => request<{ token: string }>('POST', '/mturk/submissions', submission),
  prolificStudy: (arrival: import('./types.ts').ProlificArrival) => request<import('./types.ts').CrowdHit>('GET', `/prolific/study${query(arrival)}`),
  prolificSubmit: (submission: import('./types.ts').ProlificSubmission) =>
    request<{ completeUrl: string }>('POST', '/prolific/submissions', submission),
  crowdChannel: () => request<import('./types.ts').CrowdChannelState>('GET', '/crowd/channel'),
  crowdBalance: () => request<{ balance: string | null; endpoint: string }>('GET', '/crowd/balance'),
  estimateCrowd: (batchId: number, input: import('./types.ts').CrowdEstimateInput | import('./types.ts').ProlificEstimateInput) =>
    request<import('./types.ts').CrowdEstimate>('POST', `/batches/${batchId}/crowd/estimate`, input),
  publishCrowd: (batchId: number, input: import('./types.ts').CrowdPublishInput | import('./types.ts').ProlificPublishInput) =>
    request<import('./types.ts').CrowdPublished>('POST', `/batches/${batchId}/crowd/publish`, input),
  expireCrowd: (batchId: number) => request<{ expired: number }>('POST', `/batches/${batchId}/crowd/expire`),
  syncCrowd: (projectId: number) => request<import('./types.ts').CrowdSyncResult>('POST', `/projects/${projectId}/crowd/sync`),
  crowdStatus: (projectId: number) => request<import('./types.ts').CrowdStatus>('GET', `/projects/${projectId}/crowd/status`),
  heldAssignments: (projectId: number) => request<{ assignments: import('./types.ts').HeldAssignment[] }>('GET', `/projects/${projectId}/crowd/held`),
  decideAssignment: (assignmentId: number, decision: { decision: 'approve' | 'reject'; reason: string; bonus?: string }) =>
    request<import('./types.ts').CrowdDecision>('POST', `/crowd/assignments/${assignmentId}/decide`, decision),
  blockWorker: (workerId: string, reason: string) =>
    request<{ blocked: string }>('POST', `/crowd/workers/${encodeURIComponent(workerId)}/block`, { reason }),
  updateCrowdSettings: (projectId: number, crowd: import('./types.ts').CrowdSettings) =>
    request<{ project: Project }>('PATCH', `/projects/${projectId}`, { settings: { crowd } }),
};

/**
 * For forms: a validation refusal (400) names the field and the rule, so it is returned to show beside the form
 * rather than in a passing toast; anything else goes the usual way and yields null.
 */
export function formProblem(error: unknown): string | null {
  if (error instanceof ApiError && error.status === 400) return error.message;
  handleError(error);
  return null;
}

/** The one path from a failed call to the user: a toast with the server's message. */
export function handleError(error: unknown): void {
  toasts.error(error instanceof ApiError ? error.message : 'Something went wrong.');
  if (!(error instanceof ApiError)) console.error(error);
}
