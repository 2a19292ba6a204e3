// The acr value an html-form session carries: the seed's URN shape (protocol/endpoints/discovery.ts acrFor publishes the same).
import type { AuthenticatorConfig } from '../../../config/schema.ts';

export const htmlFormAcr = (config: Pick<AuthenticatorConfig, 'id'>): string =>
  `urn:tessera:authentication:html-form:${config.id}`;
