/** The route RingCentral delivers to (a contract name); the subscription's address is PUBLIC_URL + this. */
export const WEBHOOK_PATH = '/webhooks/ringcentral';

export function webhookAddress(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}
