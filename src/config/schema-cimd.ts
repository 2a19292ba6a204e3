// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): off by default; which hosts, what they get.
import { z } from 'zod';
import { resourceUriSchema, scopeTokenSchema } from './schema-parts.ts';

/** A host a client_id URL may name: a hostname, or `*.example.com` for any subdomain of it. */
const hostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9.-]+$/, 'use a lowercase host name, or *.example.com for its subdomains');

export const clientIdMetadataSchema = z
  .object({
    /** Accept a client_id that is an https URL and fetch its metadata document; discovery says so only when on. */
    enabled: z.boolean().default(false),
    /** Hosts a client_id URL may name; empty: any host that is not denied. */
    allow_hosts: z.array(hostPattern).default([]),
    /** Hosts a client_id URL may never name; checked before the allow list. */
    deny_hosts: z.array(hostPattern).default([]),
    /** The scopes such a client may be given; a document asking for others gets only those in both lists. */
    scopes: z.array(scopeTokenSchema).default(['openid', 'profile', 'email', 'offline_access']),
    /** RFC 8707: the APIs (their identifiers) such a client may name as `resource`. */
    apis: z.array(resourceUriSchema).default([]),
    /** Seconds a document is kept at least, whatever its Cache-Control or Expires says. */
    cache_min_seconds: z.number().int().min(0).max(86_400).default(60),
    /** Seconds a document is kept at most, whatever its Cache-Control or Expires says. */
    cache_max_seconds: z.number().int().min(1).max(604_800).default(86_400),
    /** Seconds a document is kept when its response names no lifetime. */
    cache_default_seconds: z.number().int().min(0).max(604_800).default(300),
    /** Largest document accepted, in bytes (the draft suggests 5 kilobytes). */
    max_bytes: z.number().int().positive().max(65_536).default(5_120),
    /** Most documents kept in memory on one node. */
    cache_entries: z.number().int().positive().max(100_000).default(1_000),
  })
  .strict()
  .refine((c) => c.cache_min_seconds <= c.cache_max_seconds, {
    message: 'cache_min_seconds must not exceed cache_max_seconds',
    path: ['cache_min_seconds'],
  });

export type ClientIdMetadataPolicy = z.output<typeof clientIdMetadataSchema>;
