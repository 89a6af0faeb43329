import type { z } from 'zod';

/**
 * A schema issue in an operator's words: what is wrong with the value at its path, for the
 * messages that refuse a template or a reference-data file ("must be a JSON object, not a list"
 * rather than zod's "Invalid input: expected object, received array").
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  // zod's own wording only: a schema's message of its own (the profiles a template may name) stands.
  if (issue.code !== 'invalid_type') return issue.message;
  const received = /^Invalid input: expected \w+, received (\w+)$/.exec(issue.message)?.[1];
  if (received === 'undefined') return `missing: it must be ${kind(issue.expected)}`;
  if (received) return `must be ${kind(issue.expected)}, not ${kind(received)}`;
  return issue.message;
}

/** A JSON kind as an operator reads it. */
function kind(name: string): string {
  switch (name) {
    case 'object':
    case 'record':
      return 'a JSON object';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string (in quotes)';
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return name;
  }
}
