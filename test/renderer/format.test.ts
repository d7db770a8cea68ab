import { describe, expect, it } from 'vitest';
import {
  elapsedSeconds,
  formatBytes,
  formatDuration,
  formatError,
  formatNumber,
  readableError,
} from '../../src/renderer/src/lib/format.js';
import { ContractCallError } from '../../src/shared/transport/errors.js';

describe('formatDuration', () => {
  it('uses seconds, minutes and hours', () => {
    expect(formatDuration(3.25)).toBe('3.3 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3 * 3600 + 2 * 60 + 40)).toBe('3 h 02 min');
  });
  it('shows a dash for unknown or negative time', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('elapsedSeconds', () => {
  it('measures finished runs and running ones against now', () => {
    expect(elapsedSeconds('2026-01-01T00:00:00Z', '2026-01-01T00:01:30Z')).toBe(90);
    expect(elapsedSeconds('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:00:10Z'))).toBe(10);
    expect(elapsedSeconds(null, null)).toBeNull();
  });
});

describe('formatNumber', () => {
  it('switches to exponent notation for tiny and huge values', () => {
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(0.00012345)).toBe('1.23e-4');
    expect(formatNumber(123456)).toBe('1.23e+5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(null)).toBe('—');
  });
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});

describe('readable errors', () => {
  it('keeps the contract code and message of a transport error', () => {
    const e = new ContractCallError({ code: 'not_found', message: 'no run r7' });
    expect(readableError(e)).toEqual({ code: 'not_found', message: 'no run r7' });
    expect(formatError(e)).toBe('not_found: no run r7');
  });
  it('reads plain objects from contextBridge, nested errors, strings and Errors', () => {
    expect(formatError({ code: 'invalid_request', message: 'spec.seed: expected int' })).toBe(
      'invalid_request: spec.seed: expected int',
    );
    expect(formatError({ error: { code: 'failed', message: 'boom' } })).toBe('failed: boom');
    expect(formatError('plain')).toBe('plain');
    expect(formatError(new Error('oops'))).toBe('oops');
  });
  it('says cancelled rather than failed', () => {
    expect(formatError({ code: 'cancelled', message: 'job j1' })).toBe('Cancelled: job j1');
  });
});
