/** The labeling screen's own keys; task types claim digits and their letters, never these. */
import type { Shortcut } from '../../tasks/task-type.ts';

export type ScreenAction = 'skip' | 'flag' | 'undo' | 'help';

const KEYS: Record<string, ScreenAction> = { s: 'skip', f: 'flag', u: 'undo', '?': 'help' };

export const SCREEN_SHORTCUTS: Shortcut[] = [
  { key: 's', description: 'Skip this task (pick a reason)' },
  { key: 'f', description: 'Flag the document (PII, harmful, broken) and skip it' },
  { key: 'u', description: 'Undo your last answer' },
  { key: '?', description: 'Show these shortcuts' },
];

/** The screen action a key press asks for; none with Ctrl/Cmd/Alt held, so browser shortcuts keep working. */
export function screenActionOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): ScreenAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return Object.hasOwn(KEYS, event.key) ? KEYS[event.key] : null;
}
