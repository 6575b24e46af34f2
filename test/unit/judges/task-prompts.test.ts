import { describe, expect, it } from 'vitest';
import { projectTaskType } from '../../../tasks/registry.ts';
import { fillTemplate, lastLabelledValue, renderMessages, unknownPlaceholders } from '../../../tasks/lib/judge-prompt.ts';

const quality = projectTaskType({ taskType: 'quality-rating', config: {} })!;
const synthetic = projectTaskType({ taskType: 'synthetic-review', config: {} })!;
const pairwise = projectTaskType({ taskType: 'pairwise-preference', config: {} })!;

describe('judge templates', () => {
  it('fills placeholders in one pass, so a document quoting {{text}} is sent as written', () => {
    expect(fillTemplate('<{{text}}> {{ missing }}', { text: 'a {{text}} b' })).toBe('<a {{text}} b> {{ missing }}');
  });

  it('splits a template into system and user messages at its marks, and is one user message without them', () => {
    expect(renderMessages('---system---\nYou judge.\n---user---\nRate {{text}}', { text: 'x' })).toEqual([
      { role: 'system', content: 'You judge.' },
      { role: 'user', content: 'Rate x' },
    ]);
    expect(renderMessages('Rate {{text}}', { text: 'x' })).toEqual([{ role: 'user', content: 'Rate x' }]);
  });

  it('names the placeholders a task type does not fill', () => {
    expect(unknownPlaceholders('{{text}} {{txet}} {{ url }}', ['text', 'url'])).toEqual(['txet']);
    expect(quality.judge.unknownPlaceholders(quality.judge.template)).toEqual([]);
    expect(synthetic.judge.unknownPlaceholders(synthetic.judge.template)).toEqual([]);
    expect(pairwise.judge.unknownPlaceholders(pairwise.judge.template)).toEqual([]);
  });

  it('reads the last labelled line, ignoring markdown emphasis', () => {
    expect(lastLabelledValue('Format: "Educational score: <n>"\n\n**Educational score:** 4', 'Educational score')).toBe('4');
    expect(lastLabelledValue('nothing here', 'Educational score')).toBeUndefined();
  });
});

describe('quality-rating judge', () => {
  const [messages] = quality.judge.messages(quality.judge.template, { text: 'Photosynthesis turns light into sugar.' });

  it('asks the additive 0-5 rubric annotators see, ending in the FineWeb-Edu score line', () => {
    expect(messages).toHaveLength(1);
    const prompt = messages[0].content;
    expect(prompt).toContain('additive 0-5 scoring system');
    expect(prompt).toContain('Add 1 point if: Gives some basic information');
    expect(prompt).toContain('Photosynthesis turns light into sugar.');
    expect(prompt.trim().split('\n').at(-1)).toBe('- Conclude with the score using the format: "Educational score: <total points>"');
  });

  it('parses the score line, and refuses a missing or out-of-scale score', () => {
    expect(quality.judge.read(['Clear and focused.\nEducational score: 4'])).toEqual({ ok: true, value: { score: 4 }, orderDisagreement: false });
    expect(quality.judge.read(['I would say 4.'])).toMatchObject({ ok: false, reason: 'no "Educational score: <n>" line' });
    expect(quality.judge.read(['Educational score: 7'])).toMatchObject({ ok: false, reason: expect.stringContaining('score') });
  });

  it('asks and reads keep/drop and aspects when the config has them', () => {
    const rich = projectTaskType({
      taskType: 'quality-rating',
      config: { keepDrop: true, aspects: [{ key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } }], rationale: 'required' },
    })!;
    const [[m]] = rich.judge.messages(rich.judge.template, { text: 't' });
    expect(m.content).toContain('"Keep: yes"');
    expect(m.content).toContain('"Coherence: <1-5>"');
    expect(rich.judge.read(['Good text.\nCoherence: 4\nKeep: yes\nEducational score: 3'])).toEqual({
      ok: true,
      value: { score: 3, aspects: { coherence: 4 }, keep: true, rationale: 'Good text.' },
      orderDisagreement: false,
    });
    expect(rich.judge.read(['Educational score: 3\nKeep: maybe\nCoherence: 4'])).toMatchObject({ ok: false });
  });
});

describe('synthetic-review judge', () => {
  it('lists the config error tags and reads decision, tags and correction', () => {
    const [[m]] = synthetic.judge.messages(synthetic.judge.template, { prompt: 'Add 2+2', response: '5' });
    expect(m.content).toContain('- reasoning: Reasoning error');
    expect(synthetic.judge.read(['Wrong sum.\nTags: reasoning\nDecision: reject'])).toEqual({
      ok: true,
      value: { decision: 'reject', tags: ['reasoning'] },
      orderDisagreement: false,
    });
    expect(synthetic.judge.read(['Tags: none\n<corrected>\n4\n</corrected>\nDecision: needs-edit'])).toMatchObject({
      ok: true,
      value: { decision: 'needs-edit', correctedText: '4' },
    });
  });

  it('refuses unknown tags, a needs-edit without correction and a reject without tags', () => {
    expect(synthetic.judge.read(['Tags: spelling\nDecision: reject'])).toMatchObject({ ok: false, reason: 'unknown error tags: spelling' });
    expect(synthetic.judge.read(['Tags: none\nDecision: needs-edit'])).toMatchObject({ ok: false });
    expect(synthetic.judge.read(['Tags: none\nDecision: reject'])).toMatchObject({ ok: false, reason: expect.stringContaining('tags') });
  });
});

describe('pairwise judge', () => {
  const payload = { prompt: 'Say hi', responseA: 'first answer', responseB: 'second answer' };

  it('asks in both orders', () => {
    const [inOrder, swapped] = pairwise.judge.messages(pairwise.judge.template, payload);
    const at = (text: string, s: string) => text.indexOf(s);
    expect(at(inOrder[0].content, 'first answer')).toBeLessThan(at(inOrder[0].content, 'second answer'));
    expect(at(swapped[0].content, 'second answer')).toBeLessThan(at(swapped[0].content, 'first answer'));
  });

  it('combines the two answers by content, and records a disagreement between the orders as a tie', () => {
    expect(pairwise.judge.read(['Verdict: A', 'Verdict: B'])).toEqual({
      ok: true,
      value: { choice: 'A', screenChoice: 'left' },
      orderDisagreement: false,
    });
    // A judge that always picks the first position: the orders disagree.
    expect(pairwise.judge.read(['Verdict: A', 'Verdict: A'])).toMatchObject({ ok: true, value: { choice: 'tie' }, orderDisagreement: true });
    expect(pairwise.judge.read(['Verdict: tie', 'Verdict: tie'])).toMatchObject({ ok: true, value: { choice: 'tie' }, orderDisagreement: false });
    expect(pairwise.judge.read(['Verdict: A', 'no idea'])).toMatchObject({ ok: false });
  });

  it('refuses a disagreement when the project allows no tie', () => {
    const noTie = projectTaskType({ taskType: 'pairwise-preference', config: { allowTie: false, reason: 'off' } })!;
    expect(noTie.judge.read(['Verdict: A', 'Verdict: A'])).toMatchObject({ ok: false });
    expect(noTie.judge.read(['Verdict: B', 'Verdict: A'])).toMatchObject({ ok: true, value: { choice: 'B', screenChoice: 'right' } });
  });
});
