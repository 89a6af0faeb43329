import { z } from 'zod';
import { registeredProfiles } from '../profiles/registry.js';

/** A profile as a form shows it: its fields and its configuration's JSON Schema. */
export interface ProfileInfo {
  key: string;
  label: string;
  fields: Array<{ key: string; label: string; type: string; aliases: string[] }>;
  config: Record<string, unknown>;
}

/** Every import profile, from the registry. */
export function listProfiles(): ProfileInfo[] {
  return registeredProfiles().map((p) => ({
    key: p.key,
    label: p.label,
    fields: p.fields.map((f) => ({ key: f.key, label: f.label, type: f.type, aliases: [...f.aliases] })),
    // The input form: what a template may hold, defaults being optional.
    config: z.toJSONSchema(p.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  }));
}
