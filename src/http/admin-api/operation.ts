// One admin API operation, declared once: the route, its OpenAPI description and its validation all come from it.
import type { z } from 'zod';
import type { Principal } from '../../admin/principal.ts';
import type { AdminService } from '../../admin/service.ts';
import type { Endpoints } from '../../config/endpoints.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Response {
  description: string;
  /** JSON body schema; absent for 204 and for the shared error body. */
  schema?: z.ZodType;
}

export interface OperationContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  service: AdminService;
  endpoints: Endpoints;
}

export interface Operation<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI path template under /admin/api, e.g. `/clients/{client_id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Body fields that may span lines (a commit message): the edge allows tab, CR and LF only there. */
  multiline?: readonly string[];
  /** Success responses; the error responses every operation can give are added by the document. */
  responses: Record<number, Response>;
  /** Error statuses this operation can answer with besides 400 and 401. */
  errors?: number[];
  handle(
    context: OperationContext<z.output<P>, z.output<Q>, z.output<B>>,
  ): Promise<{ status: number; body?: unknown }>;
}

/** Keeps the parameter types of `handle` tied to the schemas (a registry member, like grants). */
export const operation = <P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType>(
  op: Operation<P, Q, B>,
): Operation => op as unknown as Operation;
