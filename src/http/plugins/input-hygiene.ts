// Input hygiene at the edge: text no field can hold is refused before any route or store sees it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { textProblem } from '../../shared/text.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Fields whose value may span lines (a commit message): tab, CR and LF are allowed there. */
    multiline?: readonly string[];
    /** The body is a JSON document its route checks against a schema; every other body must be form fields. */
    jsonBody?: boolean;
    /**
     * The route's protocol core checks the text of its parameters itself, so that it can answer the way
     * its RFC says (the authorization endpoint redirects the error to a trusted client); only the shape
     * of query and body is checked here.
     */
    textCheckedByProtocol?: boolean;
  }
}

/** Thrown at the edge; each surface's one error mapping renders it in its own shape. */
export class InputRejectedError extends Error {
  readonly statusCode = 400;
  constructor(readonly description: string) {
    super(description);
    this.name = 'InputRejectedError';
  }
}

/** Beyond any form or API document Tessera reads; deeper JSON would only exhaust the stack. */
const MAX_DEPTH = 16;
const MAX_FIELDS = 1000;

/** Names the field in a description only when the name itself is plain (RFC 6749 §5.2 description characters). */
const named = (where: string, name: string) =>
  /^[A-Za-z0-9_.[\]-]{1,64}$/.test(name) ? `${where} ${name}` : `a ${where}`;

const refuse = (where: string, name: string, problem: string) =>
  new InputRejectedError(`${named(where, name)} contains ${problem}`);

/** Query strings and form bodies: every value text or a list of text, as urlencoded parsing yields. */
function checkFields(value: unknown, where: string, multiline: readonly string[], text = true): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputRejectedError(`the ${where} must be form fields with text values`);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_FIELDS) throw new InputRejectedError(`the ${where} has too many fields`);
  for (const [name, field] of entries) {
    const keyProblem = textProblem(name);
    if (keyProblem) throw new InputRejectedError(`a ${where} name contains ${keyProblem}`);
    const list = Array.isArray(field) ? field : [field];
    if (list.length > MAX_FIELDS) throw new InputRejectedError(`the ${where} has too many fields`);
    for (const item of list) {
      // A JSON object where a form field belongs: refused here, not crashed on in a route.
      if (typeof item !== 'string') throw new InputRejectedError(`${named(where, name)} must be text`);
      const problem = text ? textProblem(item, multiline.includes(name)) : undefined;
      if (problem) throw refuse(where, name, problem);
    }
  }
}

/** A JSON document: every key and string checked, without recursion, and no deeper than any schema goes. */
function checkJson(body: unknown, multiline: readonly string[]): void {
  const stack: { value: unknown; depth: number; key: string }[] = [{ value: body, depth: 0, key: '' }];
  let seen = 0;
  while (stack.length > 0) {
    const { value, depth, key } = stack.pop()!;
    if (++seen > 20 * MAX_FIELDS) throw new InputRejectedError('the request body has too many values');
    if (typeof value === 'string') {
      const problem = textProblem(value, depth === 1 && multiline.includes(key));
      if (problem) throw refuse('field', key, problem);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) throw new InputRejectedError('the request body is nested too deeply');
    for (const [name, item] of Object.entries(value)) {
      const problem = textProblem(name);
      if (problem) throw new InputRejectedError(`a field name contains ${problem}`);
      stack.push({ value: item, depth: depth + 1, key: Array.isArray(value) ? key : name });
    }
  }
}

export function checkRequest(request: FastifyRequest): void {
  const config = request.routeOptions.config;
  const multiline = config.multiline ?? [];
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    const problem = typeof value === 'string' ? textProblem(value) : undefined;
    if (problem) throw refuse('path segment', name, problem);
  }
  const text = config.textCheckedByProtocol !== true;
  checkFields(request.query, 'query parameter', multiline, text);
  if (config.jsonBody) checkJson(request.body, multiline);
  else checkFields(request.body, 'form field', multiline, text);
}

/** A Location header is printable ASCII: a URI has no spaces or controls, and Node refuses CR, LF and NUL. */
const unsafeLocation = (value: string) => /[^\x21-\x7e]/.test(value);

/** Every route the app registers, as fastify announced it: the hostile-input test walks this list. */
export interface RouteEntry {
  method: string;
  url: string;
}
const registered = new WeakMap<FastifyInstance, RouteEntry[]>();
export const routesOf = (app: FastifyInstance): readonly RouteEntry[] => registered.get(app) ?? [];

/** Registers the checks on the root instance, before any route, so every route and plugin inherits them. */
export function registerInputHygiene(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url });
  });
  // preValidation: after the body is parsed, before any route's own preHandler (CSRF, login guard).
  // Callback hooks, not async ones: they run on every request, the token endpoint's included.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkRequest(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const location = reply.getHeader('location');
    if (typeof location === 'string' && unsafeLocation(location)) {
      // A redirect built from input that slipped past a route's own check: never onto the wire.
      reply.removeHeader('location');
      request.log.warn({ event: 'unsafe_location' }, 'refused a redirect to an unsafe location');
      done(new InputRejectedError('the request leads to an address that is not allowed'));
      return;
    }
    done(null, payload);
  });
}
