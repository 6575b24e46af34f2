/**
 * Standalone OpenAI-compatible server:
 *   npm run openai:emulator -- [--port 9434] [--latency 100] [--api-key KEY] [--answers answers.jsonl]
 *                              [--default "Educational score: 3"] [--score-label "Educational score"]
 * The defaults answer in the form a quality-rating project with the default criterion (Educational value) parses.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startOpenAIEmulator } from './index.ts';
import { parseAnswers, scriptFromAnswers } from './answers.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9434' },
    latency: { type: 'string', default: '0' },
    'api-key': { type: 'string' },
    answers: { type: 'string' },
    default: { type: 'string', default: 'Educational score: 3' },
    'score-label': { type: 'string', default: 'Educational score' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port ${values.port}`);
const latencyMs = Number(values.latency);
if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`Invalid --latency ${values.latency}`);
const lines = values.answers ? parseAnswers(readFileSync(values.answers, 'utf8')) : [];

const emulator = await startOpenAIEmulator({
  port,
  latencyMs,
  apiKey: values['api-key'],
  script: scriptFromAnswers(lines, { content: values.default }, values['score-label']),
});
console.log(`OpenAI emulator listening on ${emulator.url}
  Answers: ${lines.length} scripted line(s), otherwise "${values.default}"; latency ${latencyMs} ms
  Point a judge at it: base URL ${emulator.url}, any model name${values['api-key'] ? ', key in an environment variable' : ''}`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
