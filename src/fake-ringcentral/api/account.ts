import { notFound } from '../http/errors.js';
import type { Route } from '../http/router.js';
import type { ApiContext } from './context.js';

/**
 * Account and extension info (Light, ReadAccounts): enough to resolve `~` to real ids, read the account's
 * time zone (`regionalSettings.timezone`) and an extension's type, name and contact email.
 */
export function accountRoutes(ctx: ApiContext): Route[] {
  const { accountId, mainNumber, extensions, timeZone } = ctx.options;
  const accountUri = () => `${ctx.baseUrl()}/restapi/v1.0/account/${accountId}`;
  return [
    {
      method: 'GET',
      pattern: '/restapi/v1.0/account/{accountId}',
      group: 'Light',
      auth: 'bearer',
      permission: 'ReadAccounts',
      handler: () => ({
        body: {
          id: accountId,
          uri: accountUri(),
          mainNumber,
          status: 'Confirmed',
          ...(timeZone
            ? {
                regionalSettings: {
                  timezone: { id: '58', name: timeZone, description: timeZone, bias: '0' },
                },
              }
            : {}),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/restapi/v1.0/account/{accountId}/extension/{extensionId}',
      group: 'Light',
      auth: 'bearer',
      permission: 'ReadAccounts',
      handler: (req) => {
        const id = req.extensionId!;
        const known = extensions?.find((extension) => extension.id === id);
        if (extensions && !known) throw notFound('extensionId', id);
        const [firstName, ...rest] = (known?.name ?? '').split(' ');
        return {
          body: {
            id: /^\d+$/.test(id) ? Number(id) : id,
            uri: `${accountUri()}/extension/${id}`,
            ...(known?.extensionNumber ? { extensionNumber: known.extensionNumber } : {}),
            ...(known?.name ? { name: known.name } : {}),
            type: known?.type ?? 'User',
            status: 'Enabled',
            ...(known?.email || known?.name
              ? {
                  contact: {
                    ...(firstName ? { firstName } : {}),
                    ...(rest.length > 0 ? { lastName: rest.join(' ') } : {}),
                    ...(known.email ? { email: known.email } : {}),
                  },
                }
              : {}),
            account: { id: accountId, uri: accountUri() },
          },
        };
      },
    },
  ];
}
