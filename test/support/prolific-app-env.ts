import type { ProlificEmulator } from './prolific-emulator/index.ts';

/** The settings of a test app whose crowd channel is Prolific, served by the emulator. */
export function prolificAppEnv(emulator: ProlificEmulator) {
  return {
    CROWD_CHANNEL: 'prolific',
    PROLIFIC_ENDPOINT: emulator.apiUrl,
    PROLIFIC_TOKEN: emulator.token,
    PROLIFIC_COMPLETE_URL: `${emulator.origin}/submissions/complete`,
    PUBLIC_URL: 'http://127.0.0.1:9',
  };
}
