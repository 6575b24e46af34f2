/** Keyboard helpers for labelers' window-level shortcuts. */

/** True when the key belongs to a text field, so single-letter shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'radio')
  );
}

/** The digit pressed (0-9) without modifiers, else null. */
export function digitOf(event: KeyboardEvent): number | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return /^[0-9]$/.test(event.key) ? Number(event.key) : null;
}

/** True for a bare key press (no Ctrl/Meta/Alt), which labelers may claim as a shortcut. */
export function isPlainKey(event: KeyboardEvent, key: string): boolean {
  return !event.ctrlKey && !event.metaKey && !event.altKey && event.key.toLowerCase() === key;
}

/**
 * A labeler's window keydown handler. Ctrl/Cmd+Enter submits from anywhere, text fields included; other keys are
 * ignored while typing. Enter submits unless a button has focus (it activates that button instead); anything else
 * goes to `claim`, which returns true when it used the key.
 */
export function labelerKeydown(isDisabled: () => boolean, claim: (event: KeyboardEvent) => boolean, submit: () => void) {
  return (event: KeyboardEvent) => {
    if (isDisabled()) return;
    const chord = event.key === 'Enter' && (event.ctrlKey || event.metaKey);
    if (!chord && isTypingTarget(event.target)) return;
    if (chord || (event.key === 'Enter' && !(event.target instanceof HTMLButtonElement))) {
      event.preventDefault();
      submit();
    } else if (claim(event)) {
      event.preventDefault();
    }
  };
}
