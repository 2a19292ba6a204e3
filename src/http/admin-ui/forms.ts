// Reading urlencoded admin forms: one value, repeated values, checkboxes and numbers.
import type { FastifyRequest } from 'fastify';

export type Form = Record<string, string | string[] | undefined>;

export const formOf = (request: FastifyRequest): Form => (request.body ?? {}) as Form;

/**
 * The edge (plugins/input-hygiene.ts) lets only text through; these readers still take only strings, so a
 * value of another shape reads as blank instead of crashing a page.
 */
export function field(form: Form, name: string): string {
  const value: unknown = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated field (checkbox groups, hidden lists), blanks dropped. */
export function fields(form: Form, name: string): string[] {
  const value: unknown = form[name];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => (typeof v === 'string' && v.trim() !== '' ? [v.trim()] : []));
}

export const checked = (form: Form, name: string): boolean => field(form, name) !== '';

/** A number field: blank is "not given", anything else goes to the schema, which says what is wrong with it. */
export function numberField(form: Form, name: string): number | undefined {
  const raw = field(form, name).trim();
  return raw === '' ? undefined : Number(raw);
}

export const queryOf = (request: FastifyRequest): Form => (request.query ?? {}) as Form;
