import { LABEL_PREFIX } from './dictionary.ts';
import type { LabeledExample } from './train.ts';

/**
 * One line of fastText's supervised training file: `__label__<class> text`, the text on one line (newlines and the
 * other separators fastText splits on become spaces) and without tokens fastText would take for labels.
 */
export function trainingLine(example: Pick<LabeledExample, 'text' | 'label'>): string {
  const words = example.text.split(/[ \n\r\t\v\f\0]+/).filter((w) => w !== '' && !w.startsWith(LABEL_PREFIX));
  return `${LABEL_PREFIX}${example.label} ${words.join(' ')}\n`;
}
