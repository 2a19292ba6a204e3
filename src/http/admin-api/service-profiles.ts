// Admin API: the two profiles, Token Service and Authentication Service, with their endpoints.
import { profiles } from '../../admin/service-profiles.ts';
import { operation } from './operation.ts';
import { profilesSchema } from './schemas.ts';

export const profileOperations = [
  operation({
    method: 'GET',
    path: '/profiles',
    operationId: 'getProfiles',
    summary: 'The Token Service and the Authentication Service, with their endpoints',
    tag: 'Profiles',
    responses: { 200: { description: 'The profiles', schema: profilesSchema } },
    async handle({ principal, service, endpoints }) {
      // The endpoints and authenticators that are live, not what a draft may change.
      const live = await service.deps.config.current();
      return {
        status: 200,
        body: profiles(endpoints, live?.snapshot ?? (await service.draft(principal)).snapshot),
      };
    },
  }),
];
