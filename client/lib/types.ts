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
export type ImportRecord = ReturnType<typeof presentImport>;
export type { ImportSummary };
export type ApiToken = ReturnType<typeof presentApiToken>;
export type TaskTypeSummary = ReturnType<typeof taskTypeSummaries>[number];
