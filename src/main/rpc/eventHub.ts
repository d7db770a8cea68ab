/**
 * An EventSink that transports can subscribe to: services emit, the WebSocket server, the Electron
 * window and the direct client listen. Payloads are validated against the contract on the way in.
 */
import { type EventName, type EventPayload, events } from '../../shared/contract.js';
import type { EventSink } from '../services/types.js';
import { issuesOf } from './dispatch.js';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

export interface EventHub extends EventSink {
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
  onAny(listener: AnyEventListener): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<AnyEventListener>();
  return {
    emit(event, payload) {
      const schema = events[event];
      const parsed = schema ? schema.safeParse(payload) : undefined;
      if (!parsed?.success) {
        // Dropping is safer than pushing malformed data to every UI; the log names the culprit.
        console.error(
          `[events] dropped invalid ${String(event)} event`,
          parsed ? issuesOf(parsed.error) : 'unknown event',
        );
        return;
      }
      for (const listener of [...listeners]) {
        try {
          listener(event, parsed.data);
        } catch (err) {
          console.error(`[events] listener for ${event} threw`, err);
        }
      }
    },
    on(event, handler) {
      const listener: AnyEventListener = (name, payload) => {
        if (name === event) handler(payload as EventPayload<typeof event>);
      };
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onAny(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
