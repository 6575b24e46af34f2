/** Standalone emulator: `npm run mturk:emulator -- --port P` (default 9431). */
import { startMturkEmulator } from './index.ts';

const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 9431;
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port ${process.argv[portFlag + 1]}`);
const emulator = await startMturkEmulator({ port });
console.log(`MTurk emulator listening on ${emulator.url}
  Point the server at it:  MTURK_ENDPOINT=${emulator.url}
  SDK client:              new MTurkClient({ endpoint: '${emulator.url}', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  Worker accept:           POST ${emulator.url}/_worker/accept  {"hitId": "...", "workerId": "A1..."}
  Worker submit:           form POST to turkSubmitTo + /mturk/externalSubmit
  Note: ExternalURL may be http://127.0.0.1 or http://localhost here (real MTurk requires https).`);
process.on('SIGINT', () => void emulator.close().then(() => process.exit(0)));
