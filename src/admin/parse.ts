// Parses an admin input against its schema, or throws one AdminError that lists every wrong field.
import type { z } from 'zod';
import { zodIssues } from '../config/validate.ts';
import { invalid } from './errors.ts';

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: PropertyKey[] = [],
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(zodIssues(parsed.error, prefix));
  return parsed.data;
}
