/**
 * Parameter handling shared by the systems: defaults + preset + overrides, with errors that name
 * the bad key and list the valid ones (users type these in specs and the UI).
 */
import type { ParameterInfo } from './types.js';

export interface ParameterDef {
  readonly name: string;
  readonly value: number;
  readonly description: string;
}

export function resolveParams(
  systemId: string,
  defs: readonly ParameterDef[],
  overrides: Readonly<Record<string, number>> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of defs) out[d.name] = d.value;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in out)) {
      throw new Error(
        `Unknown parameter "${key}" for system "${systemId}"; valid parameters: ${defs.map((d) => d.name).join(', ')}`,
      );
    }
    if (!Number.isFinite(value))
      throw new Error(`Parameter "${key}" of system "${systemId}" must be a finite number`);
    out[key] = value;
  }
  return out;
}

export function parameterInfo(
  defs: readonly ParameterDef[],
  values: Readonly<Record<string, number>>,
): ParameterInfo[] {
  return defs.map((d) => ({ name: d.name, value: values[d.name], description: d.description }));
}
