import type { Route } from '../http/router.js';
import type { ApiContext } from './context.js';

/** Minimal account and extension info (Light, ReadAccounts): enough to resolve `~` to real ids. */
export function accountRoutes(ctx: ApiContext): Route[] {
  const { accountId, mainNumber } = ctx.options;
  const accountUri = () => `${ctx.baseUrl()}/restapi/v1.0/account/${accountId}`;
  return [
    {
      method: 'GET',
      pattern: '/restapi/v1.0/account/{accountId}',
      group: 'Light',
      auth: 'bearer',
      permission: 'ReadAccounts',
      handler: () => ({ body: { id: accountId, uri: accountUri(), mainNumber, status: 'Confirmed' } }),
    },
    {
      method: 'GET',
      pattern: '/restapi/v1.0/account/{accountId}/extension/{extensionId}',
      group: 'Light',
      auth: 'bearer',
      permission: 'ReadAccounts',
      handler: (req) => ({
        body: {
          id: req.extensionId,
          uri: `${accountUri()}/extension/${req.extensionId}`,
          type: 'User',
          status: 'Enabled',
          account: { id: accountId, uri: accountUri() },
        },
      }),
    },
  ];
}
