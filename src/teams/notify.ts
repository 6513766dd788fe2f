/**
 * After an ingest or a pull (and when alerts are read on newer data): sweep the watches, queue the new alerts for
 * the owners' webhooks, and send what is pending (also deliveries an earlier run could not get through).
 */
import type { Store } from '../store/store.ts';
import { sweepWatches, type SweepResult } from './alerts.ts';
import { deliverPending, queueDeliveries, type DeliveryOptions, type DeliveryReport } from './webhook.ts';

export interface NotifyResult {
  sweep: SweepResult;
  deliveries: DeliveryReport[];
}

export async function sweepAndNotify(store: Store, options: { owner?: string; delivery?: DeliveryOptions } = {}): Promise<NotifyResult> {
  const sweep = await sweepWatches(store, options.owner !== undefined ? { owner: options.owner } : {});
  await queueDeliveries(store, sweep.alertIds);
  const deliveries = await deliverPending(store, { ...options.delivery, ...(options.owner !== undefined ? { owner: options.owner } : {}) });
  return { sweep, deliveries };
}

/** One line for the CLI after an ingest or pull, or null when there is nothing to say. */
export function notifyLine(r: NotifyResult): string | null {
  const owners = Object.entries(r.sweep.alerts);
  const parts: string[] = [];
  if (owners.length) parts.push(`new alerts: ${owners.map(([o, n]) => `${n} for ${o}`).join(', ')} (see \`atlas alerts\`)`);
  const failed = r.deliveries.filter((d) => d.status !== 'delivered');
  if (r.deliveries.length) parts.push(`webhook: ${r.deliveries.length - failed.length} of ${r.deliveries.length} deliveries sent${failed.length ? `; ${failed.map((d) => `${d.owner}: ${d.status} after ${d.attempts} tries (${d.last_error})`).join('; ')}` : ''}`);
  for (const e of r.sweep.errors) parts.push(`watch ${e.watch_id} of ${e.owner} not swept: ${e.message}`);
  return parts.length ? parts.join('\n') : null;
}

/**
 * After an ingest or pull landed and careers were refreshed: sweep and notify when anyone watches anything. The
 * data has landed whatever happens here, so a failure is said, not thrown: the next sweep makes it up.
 */
export async function sweepAfterLanding(store: Store): Promise<string | null> {
  const [w] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM watches`);
  if (!Number(w?.n ?? 0)) return null;
  try {
    return notifyLine(await sweepAndNotify(store));
  } catch (e) {
    return `watches not swept (${e instanceof Error ? e.message : String(e)}): \`atlas alerts\` sweeps them`;
  }
}
