import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  events,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
} from '../../src/shared/contract.js';
import type { RunSpecInput } from '../../src/shared/runspec.js';
import type { EventSink, ServiceTable } from '../../src/main/services/types.js';

export function tempDir(prefix = 'bgw-svc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RecordedEvent {
  event: EventName;
  payload: EventPayload<EventName>;
}

/** An EventSink that records everything and lets a test wait for a job to finish. */
export class RecordingSink implements EventSink {
  readonly events: RecordedEvent[] = [];
  /** Payloads that broke the contract's event schemas (should stay empty). */
  readonly invalid: string[] = [];
  private waiters: { jobId: string; resolve: (p: EventPayload<'job.finished'>) => void }[] = [];

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const check = events[event].safeParse(payload);
    if (!check.success) this.invalid.push(`${event}: ${check.error.message}`);
    this.events.push({ event, payload });
    if (event === 'job.finished') {
      const p = payload as EventPayload<'job.finished'>;
      this.waiters.filter((w) => w.jobId === p.jobId).forEach((w) => w.resolve(p));
    }
  }

  finished(jobId: string): Promise<EventPayload<'job.finished'>> {
    const done = this.events.find(
      (e) => e.event === 'job.finished' && (e.payload as EventPayload<'job.finished'>).jobId === jobId,
    );
    if (done) return Promise.resolve(done.payload as EventPayload<'job.finished'>);
    return new Promise((resolve) => this.waiters.push({ jobId, resolve }));
  }

  of<E extends EventName>(event: E): EventPayload<E>[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>);
  }
}

/** A double-well run small enough for tests (about a second of training). */
export function smallSpec(overrides: Partial<RunSpecInput> = {}): RunSpecInput {
  return {
    name: 'test double well',
    seed: 3,
    system: { id: 'double-well' },
    data: { source: 'metropolis', samplesPerStart: 300, stride: 10, stepSize: 0.3 },
    flow: { blocks: ['R', 'R', 'R', 'R'], hidden: [16, 16] },
    training: {
      batchSize: 128,
      learningRate: 5e-3,
      checkpointEvery: 10,
      stages: [
        { name: 'ML', iterations: 40, weights: { ml: 1 } },
        { name: 'ML+KL', iterations: 20, weights: { ml: 1, kl: 0.1 }, highEnergy: 50, maxEnergy: 1e4 },
      ],
    },
    sampling: { temperatures: [1], n: 2000, chunk: 1000 },
    analysis: { bins: 30, bootstrap: 10 },
    ...overrides,
  };
}

/**
 * The service table as a transport sees it: inputs parsed (defaults applied) and outputs validated
 * with the contract's schemas, so a response that would break the contract fails the test.
 */
export function contractChecked(services: ServiceTable): ServiceTable {
  return new Proxy(services, {
    get(target, name: string) {
      const m = name as MethodName;
      return async (input: unknown) => {
        const parsed = methods[m].input.parse(input);
        const out = await (target[m] as (i: unknown) => Promise<unknown>)(parsed);
        const check = methods[m].output.safeParse(out);
        if (!check.success) throw new Error(`${m} broke the contract: ${check.error.message}`);
        return out;
      };
    },
  });
}
