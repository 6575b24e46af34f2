/**
 * The zod every task type builds its schemas with: zod/mini, whose functions tree-shake, because the labeling page
 * ships these schemas to every annotator's browser and classic zod's chainable API costs about 17 kB gzip more
 * there (25 kB against 8 kB). Mini loads no messages of its own, so English ones are set here, where the first
 * schema of any task type is built; the server's classic zod shares them.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * as z from 'zod/mini';
