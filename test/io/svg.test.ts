import { describe, expect, it } from 'vitest';
import { writeSvgPlot } from '../../src/core/io/writers/index.js';
import { ticks } from '../../src/shared/plotScale.js';

/** Tags opened and closed in order: a cheap well-formedness check without an XML parser. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

const polylines = (svg: string) =>
  [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) =>
    m[1].split(' ').map((p) => p.split(',').map(Number) as [number, number]),
  );

describe('SVG plots', () => {
  it('labels both axes with units and round ticks, and escapes text', () => {
    const svg = writeSvgPlot({
      title: 'F <profile> & co',
      xLabel: 'dimer distance d (reduced length)',
      yLabel: 'F (kT₀)',
      series: [{ label: 'BG τ=1', x: [0.5, 1, 1.5, 2, 2.5], y: [3, 0, 5, 1, 4] }],
    });
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('F &lt;profile&gt; &amp; co');
    expect(svg).toContain('dimer distance d (reduced length)</text>');
    expect(svg).toContain('F (kT₀)</text>');
    for (const t of ticks(0.5, 2.5, 6)) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toContain('>BG τ=1</text>');
  });

  it('maps data to pixels inside the frame, y upwards, and breaks lines at non-finite values', () => {
    const svg = writeSvgPlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ label: 'a', x: [0, 1, 2, 3, 4], y: [0, 1, Infinity, 3, 4] }],
      yRange: [0, 4],
      width: 664,
      height: 484,
    });
    const lines = polylines(svg);
    expect(lines).toHaveLength(2);
    // Plot area: x from 64 to 648, y from 36 (top, y = 4) to 436 (bottom, y = 0).
    expect(lines[0][0]).toEqual([64, 436]);
    expect(lines[0][1]).toEqual([210, 336]);
    expect(lines[1][1]).toEqual([648, 36]);
    // Without a range, the y extent gets headroom: the extremes stay off the frame.
    const auto = polylines(
      writeSvgPlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', x: [0, 1], y: [0, 4] }] }),
    );
    const ys = auto[0].map(([, y]) => y);
    expect(Math.min(...ys)).toBeGreaterThan(36);
    expect(Math.max(...ys)).toBeLessThan(36 + 316);
  });

  it('draws error bars and histogram steps', () => {
    const svg = writeSvgPlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { label: 'with errors', x: [0, 1], y: [1, 2], error: [0.5, NaN] },
        { label: 'steps', x: [0, 1, 2], y: [1, 2, 1], kind: 'step', dashed: true },
      ],
    });
    expect(svg.match(/stroke-opacity="0.6"/g)).toHaveLength(1);
    const steps = polylines(svg)[1];
    expect(steps).toHaveLength(6); // two corners per bin
    expect(steps[0][1]).toBe(steps[1][1]);
    expect(svg).toContain('stroke-dasharray');
  });

  it('still writes a valid, empty frame when nothing is finite', () => {
    const svg = writeSvgPlot({
      title: 'empty',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ label: 'none', x: [0], y: [NaN] }],
    });
    expect(balanced(svg)).toBe(true);
    expect(polylines(svg)).toHaveLength(0);
  });
});
