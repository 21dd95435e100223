import { describe, expect, it } from 'vitest';
import { analyze, STAGES } from '../../workers/engine/analyze.ts';
import type { StageProgress } from '../../workers/engine/model.ts';

describe('analysis stages', () => {
  it('are told in order, each once, as the pipeline reaches them', () => {
    const heard: StageProgress[] = [];
    const text = 'server { location / { proxy_pass http://127.0.0.1:8000; } }\n';
    analyze([{ name: 'pasted', text }], {}, [], [], (s) => heard.push(s));
    expect(heard.map((s) => s.step)).toEqual(STAGES.map((_, i) => i + 1));
    expect(heard.every((s) => s.of === STAGES.length)).toBe(true);
    expect(heard[0]!.label).toBe('splitting the text into its inputs');
  });
});
