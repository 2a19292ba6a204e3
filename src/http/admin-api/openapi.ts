// The OpenAPI 3.1 document of the admin API, generated from the operation table and its zod schemas.
import { z } from 'zod';
import { API_TOKEN_PREFIX } from '../../admin/api-tokens.ts';
import type { Operation } from './operation.ts';
import { errorSchema } from './schemas.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'A field is wrong; every wrong field is listed in `issues`',
  401: 'No valid API token',
  404: 'No such entry',
  409: 'Duplicate id, stale draft (rebase on `current`), a rebase conflict, or an action the entry does not allow now (`refused`)',
  422: 'The configuration would be invalid; every problem is listed in `issues`',
  429: 'Too many messages for this user within the hour (`throttled`); try again later',
  502: 'The mail server refused the message or did not answer (`mail_failed`); nothing was sent',
};

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) for one zod schema, as a request or a response reads it. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}

function parameters(op: Operation) {
  const out: Record<string, unknown>[] = [];
  for (const [where, object] of [
    ['path', op.params],
    ['query', op.query],
  ] as const) {
    if (!object) continue;
    const schema = jsonSchema(object, 'input') as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (schema.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });

function describe(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? json(jsonSchema(response.schema, 'output')) : {}),
    };
  }
  for (const status of [400, 401, ...(op.errors ?? [])]) {
    responses[String(status)] = {
      description: ERROR_TEXT[status],
      ...json({ $ref: '#/components/schemas/Error' }),
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    parameters: parameters(op),
    ...(op.body ? { requestBody: { required: true, ...json(jsonSchema(op.body, 'input')) } } : {}),
    responses,
  };
}

export function openApiDocument(operations: readonly Operation[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = describe(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera admin API',
      version: '1',
      description:
        'Every edit goes into your draft (one per API token); commit makes it live everywhere at once. Reads show your draft.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: `An admin API token (${API_TOKEN_PREFIX}...), created on the API tokens page of the admin UI.`,
        },
      },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}
