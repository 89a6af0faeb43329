import { z } from 'zod';
import { type ApiFieldType, apiFieldType } from '../core/fields.js';
import { type ConditionValue, describeMandatory, type FieldMandatory } from '../profiles/mandatory.js';
import { registeredProfiles } from '../profiles/registry.js';
import type { ProfileDefinition } from '../profiles/types.js';

type Condition = Record<string, ConditionValue[]>;

/** When a field is mandatory, for a client: `"always"`, or a condition with its words. */
export type MandatoryInfo = 'always' | { when: Condition; unless: Condition; text: string };

/** A profile as a form shows it: its fields and its configuration's JSON Schema. */
export interface ProfileInfo {
  key: string;
  label: string;
  fields: Array<{
    key: string;
    label: string;
    type: ApiFieldType;
    /** Header names that match the field automatically whatever the configuration (besides its label and key). */
    aliases: string[];
    /** More header names that match it under a configuration: the `customer` column by the identifier it holds. */
    aliasesWhen: Array<{ when: Condition; aliases: string[] }>;
    mandatory: MandatoryInfo;
  }>;
  config: Record<string, unknown>;
}

/** Every import profile, from the registry. */
export function listProfiles(): ProfileInfo[] {
  return registeredProfiles().map((p) => {
    // The input form: what a template may hold, defaults being optional.
    const config = z.toJSONSchema(p.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return {
      key: p.key,
      label: p.label,
      fields: p.fields.map((f) => ({
        key: f.key,
        label: f.label,
        type: apiFieldType(f.type),
        aliases: [...f.aliases],
        aliasesWhen: aliasesByIdentifier(p, f.key, config),
        mandatory: mandatoryInfo(f.mandatory),
      })),
      config,
    };
  });
}

/**
 * The names `extraNames` adds under each customer identifier the profile accepts: the names the
 * column matching of a job uses (jobs/job-plan.ts), so that a form proposes the same matches.
 */
function aliasesByIdentifier(p: ProfileDefinition<unknown>, field: string, config: Record<string, unknown>): Array<{ when: Condition; aliases: string[] }> {
  const identifier = (config.properties as Record<string, { enum?: unknown[] }> | undefined)?.customerIdentifier;
  const kinds = (identifier?.enum ?? []).filter((k): k is string => typeof k === 'string');
  return kinds
    .map((kind) => ({ when: { customerIdentifier: [kind] }, aliases: [...(p.extraNames(field, { customerIdentifier: kind }) ?? [])] }))
    .filter((a) => a.aliases.length > 0);
}

function mandatoryInfo(rule: FieldMandatory): MandatoryInfo {
  if (rule === 'always') return 'always';
  const copy = (c: Readonly<Record<string, readonly ConditionValue[]>> | undefined): Condition => Object.fromEntries(Object.entries(c ?? {}).map(([k, vs]) => [k, [...vs]]));
  return { when: copy(rule.when), unless: copy(rule.unless), text: describeMandatory(rule) };
}
