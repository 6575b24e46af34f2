/** Standalone emulator: `npm run prolific:emulator -- --port P` (default 9432). */
import { startProlificEmulator } from './index.ts';

const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 9432;
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port ${process.argv[portFlag + 1]}`);
const emulator = await startProlificEmulator({ port });
console.log(`Prolific emulator listening on ${emulator.origin}
  Point the server at it:  CROWD_CHANNEL=prolific PROLIFIC_ENDPOINT=${emulator.apiUrl} PROLIFIC_TOKEN=${emulator.token} PROLIFIC_COMPLETE_URL=${emulator.origin}/submissions/complete
  Participant arrives:     GET ${emulator.origin}/_participant/start?study=<study id>&participant=<any participant id>
  Participant completes:   the completion redirect, GET ${emulator.origin}/submissions/complete?cc=<code> (same browser)`);
process.on('SIGINT', () => void emulator.close().then(() => process.exit(0)));
