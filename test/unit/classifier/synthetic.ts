/** Seeded synthetic labeled text for the classifier tests: the label is carried by which words a document uses. */
import { seededRandom } from '../../../server/classifier/random.ts';
import type { LabeledExample } from '../../../server/classifier/index.ts';

/** Words of every kind fastText's byte-level hashing must agree on: ASCII, accented, CJK, emoji, punctuation. */
const COMMON = [
  'the',
  'of',
  'and',
  'a',
  'to',
  'in',
  'is',
  'page',
  'click',
  'here',
  'café',
  'naïve',
  '東京',
  '数据',
  '🙂',
  'über',
  '—',
  'e.g.',
  "it's",
];
const TOPIC = [
  ['buy', 'cheap', 'sale', 'discount', 'offer', 'deal'],
  ['court', 'statute', 'plaintiff', 'appeal', 'tribunal', 'jurisprudence'],
  ['theorem', 'proof', 'lemma', 'équation', 'integral', 'corollary'],
];

/** `count` documents labeled 0..2 (as strings), each a mix of common words and its class's words. */
export function syntheticExamples(count: number, seed: number): LabeledExample[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, () => {
    const label = Math.floor(random() * TOPIC.length);
    const length = 3 + Math.floor(random() * 60);
    const words = Array.from({ length }, () => (random() < 0.3 ? pick(TOPIC[label]) : random() < 0.1 ? pick(pick(TOPIC)) : pick(COMMON)));
    return { text: words.join(random() < 0.2 ? '\n' : ' '), label: String(label) };
  });
}
