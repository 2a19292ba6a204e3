// Reading urlencoded admin forms: one value, repeated values, checkboxes and numbers.
import type { FastifyRequest } from 'fastify';

export type Form = Record<string, string | string[] | undefined>;

export const formOf = (request: FastifyRequest): Form => (request.body ?? {}) as Form;

export function field(form: Form, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
}

/** Every value of a repeated field (checkbox groups, hidden lists), blanks dropped. */
export function fields(form: Form, name: string): string[] {
  const value = form[name];
  const list = typeof value === 'string' ? [value] : (value ?? []);
  return list.map((v) => v.trim()).filter((v) => v !== '');
}

export const checked = (form: Form, name: string): boolean => field(form, name) !== '';

/** A number field: blank is "not given", anything else goes to the schema, which says what is wrong with it. */
export function numberField(form: Form, name: string): number | undefined {
  const raw = field(form, name).trim();
  return raw === '' ? undefined : Number(raw);
}

export const queryOf = (request: FastifyRequest): Form => (request.query ?? {}) as Form;
