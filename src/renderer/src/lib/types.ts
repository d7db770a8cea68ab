/** Output types of the contract under short names for the UI. */
import type { z } from 'zod';
import type {
  MethodInput,
  MethodOutput,
  EventPayload,
  ExportFormat as ExportFormatSchema,
} from '../../../shared/contract.js';

export type AppInfo = MethodOutput<'app.info'>;
export type ProjectInfo = NonNullable<MethodOutput<'project.current'>>;
export type RecentProject = MethodOutput<'project.recent'>[number];
export type HistoryEntry = MethodOutput<'project.history'>[number];
export type SystemInfo = MethodOutput<'systems.list'>[number];
export type DatasetSummary = MethodOutput<'datasets.list'>[number];
export type RunSummary = MethodOutput<'runs.list'>[number];
export type SampleSetSummary = MethodOutput<'samples.list'>[number];
export type SampleSetData = MethodOutput<'samples.get'>;
export type FreeEnergyResult = MethodOutput<'analysis.freeEnergy'>;
export type ExportResult = MethodOutput<'export.write'>;
export type ExportFormat = z.infer<typeof ExportFormatSchema>;
export type JobProgress = EventPayload<'job.progress'>;
export type JobFinished = EventPayload<'job.finished'>;
export type RcHistogram = MethodOutput<'datasets.rcHistogram'>;
export type EnergyProfilePoint = MethodOutput<'systems.energyProfile'>[number];
export type UmbrellaAnalysis = MethodOutput<'analysis.umbrellaGet'>;
export type UmbrellaRequest = MethodInput<'analysis.umbrella'>;
export type LatentMapData = MethodOutput<'runs.latentMap'>;
