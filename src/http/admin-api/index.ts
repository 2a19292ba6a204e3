// Every admin API operation, in the order the OpenAPI document lists them.
import { apiOperations } from './apis.ts';
import { auditOperations } from './audit.ts';
import { authenticatorOperations } from './authenticators.ts';
import { changeOperations } from './changes.ts';
import { clientOperations } from './clients.ts';
import type { Operation } from './operation.ts';
import { policyOperations } from './policies.ts';
import { postureOperations } from './posture.ts';
import { registrationOperations } from './registration.ts';
import { revisionOperations } from './revisions.ts';
import { scopeOperations } from './scopes.ts';
import { profileOperations } from './service-profiles.ts';
import { trustedIssuerOperations } from './trusted-issuers.ts';
import { userOperations } from './users.ts';

export const OPERATIONS: readonly Operation[] = [
  ...profileOperations,
  ...clientOperations,
  ...postureOperations,
  ...scopeOperations,
  ...apiOperations,
  ...trustedIssuerOperations,
  ...authenticatorOperations,
  ...policyOperations,
  ...changeOperations,
  ...revisionOperations,
  ...auditOperations,
  ...registrationOperations,
  ...userOperations,
];
