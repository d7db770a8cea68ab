import { describe, expect, it } from 'vitest';
import { pathOf, scales, ticks, viewOf } from '../../src/renderer/src/lib/latentMap.js';

describe('learned-map plot helpers', () => {
  it('frames all sets in a padded square view centred on them', () => {
    const v = viewOf(
      [
        [
          [-2, 0],
          [2, 1],
        ],
        [[0, -1]],
      ],
      0.1,
    );
    expect(v.x[1] - v.x[0]).toBeCloseTo(4.8);
    expect(v.y[1] - v.y[0]).toBeCloseTo(4.8);
    expect((v.x[0] + v.x[1]) / 2).toBeCloseTo(0);
    expect((v.y[0] + v.y[1]) / 2).toBeCloseTo(0);
    expect(viewOf([[]])).toEqual({ x: [-1, 1], y: [-1, 1] });
  });

  it('maps data to pixels with y upwards and writes SVG paths', () => {
    const { sx, sy } = scales({ x: [0, 10], y: [0, 10] }, 100);
    expect([sx(0), sx(10), sy(0), sy(10)]).toEqual([0, 100, 100, 0]);
    expect(
      pathOf(
        [
          [1, 1],
          [5, 2.5],
        ],
        sx,
        sy,
      ),
    ).toBe('M10.0 90.0L50.0 75.0');
  });

  it('puts round ticks inside the range', () => {
    expect(ticks(-3.2, 3.2)).toEqual([-2, 0, 2]);
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(1, 1)).toEqual([]);
  });
});
