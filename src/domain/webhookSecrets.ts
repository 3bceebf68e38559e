/**
 * The webhook secret's grace period: after a rotation the replaced secret keeps signing alongside
 * the new one until its expiry, so receivers can switch without dropping a message.
 */

/** StoredWebhookSecrets are an account's secret columns as a store keeps them. */
export interface StoredWebhookSecrets {
  current: string;
  previous: string | null;
  previousExpiresAt: Date | null;
}

/**
 * liveWebhookSecrets lists the secrets that sign at `now`: the current one, then the previous one
 * while its grace lasts (until its expiry, exclusive).
 */
export function liveWebhookSecrets(stored: StoredWebhookSecrets, now: Date): string[] {
  const previousLive = stored.previous !== null && (stored.previousExpiresAt?.getTime() ?? 0) > now.getTime();
  return previousLive ? [stored.current, stored.previous!] : [stored.current];
}
