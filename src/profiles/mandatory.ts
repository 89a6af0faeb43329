/**
 * When a field of a profile must have a column (or a default), declared as data beside the field,
 * so that the rules that check it and the API that tells a form about it read one declaration.
 *
 * A condition holds when every key of `when` has one of its listed values and no key of `unless`
 * has one of its listed values. The keys are the template's configuration keys, read with their
 * defaults applied, and `trackerType`: the type of the tracker `config.tracker` names.
 */

/** The value of a condition's key. */
export type ConditionValue = string | boolean;

/** A field's "when mandatory": always, or under a condition on the configuration. */
export type FieldMandatory =
  | 'always'
  | {
      when?: Readonly<Record<string, readonly ConditionValue[]>>;
      unless?: Readonly<Record<string, readonly ConditionValue[]>>;
    };

/** The facts a condition is evaluated on: the configuration (defaults applied) and `trackerType`. */
export type MandatoryFacts = object;

/** Whether a field declared so is mandatory under these facts. */
export function isMandatory(rule: FieldMandatory, facts: MandatoryFacts): boolean {
  if (rule === 'always') return true;
  const has = ([key, values]: [string, readonly ConditionValue[]]) => (values as readonly unknown[]).includes((facts as Record<string, unknown>)[key]);
  // Every key of `when` has one of its values; no key of `unless` has one of its values.
  return Object.entries(rule.when ?? {}).every(has) && !Object.entries(rule.unless ?? {}).some(has);
}

/** The keys of the fields mandatory under these facts, in the fields' order. */
export function mandatoryFieldKeys(fields: ReadonlyArray<{ key: string; mandatory: FieldMandatory }>, facts: MandatoryFacts): string[] {
  return fields.filter((f) => isMandatory(f.mandatory, facts)).map((f) => f.key);
}

/** The condition in words, for people: "when `billIdentification` is `STANDARD_FIELDS`". */
export function describeMandatory(rule: FieldMandatory): string {
  if (rule === 'always') return 'always';
  const name = (key: string) => (key === 'trackerType' ? "the tracker's type" : `\`${key}\``);
  const values = (vs: readonly ConditionValue[]) => vs.map((v) => `\`${String(v)}\``).join(' or ');
  const clause = (condition: Readonly<Record<string, readonly ConditionValue[]>>, joiner: string) =>
    Object.entries(condition)
      .map(([key, vs]) => `${name(key)} is ${values(vs)}`)
      .join(joiner);
  const parts = [
    rule.when && Object.keys(rule.when).length > 0 ? `when ${clause(rule.when, ' and ')}` : '',
    rule.unless && Object.keys(rule.unless).length > 0 ? `unless ${clause(rule.unless, ' or ')}` : '',
  ];
  return parts.filter(Boolean).join(', ') || 'always';
}
