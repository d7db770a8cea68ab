/** What every service handler shares: the open project, the event sink, the jobs. */
import type { Store } from '../store/store.js';
import { ServiceError } from './errors.js';
import type { JobRegistry } from './jobs.js';
import type { RecentProjects } from './recent.js';
import type { EventSink } from './types.js';

export interface ServiceContext {
  store: Store | null;
  readonly sink: EventSink;
  readonly jobs: JobRegistry;
  readonly recent: RecentProjects;
}

export function requireStore(ctx: ServiceContext): Store {
  if (!ctx.store)
    throw new ServiceError('invalid_request', 'No project is open: create or open a project first');
  return ctx.store;
}
