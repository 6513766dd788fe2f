/**
 * Webhooks: a user's new alerts POSTed as JSON to their URL, signed with HMAC-SHA256 over `timestamp.body` with a
 * secret only the atlas and the receiver know (header `X-Atlas-Signature: sha256=<hex>`, `X-Atlas-Timestamp`, and
 * `X-Atlas-Delivery` for de-duplication). Each sweep's alerts are one delivery in an outbox; a delivery is retried
 * on network errors, timeouts, 408, 429 (after its Retry-After) and 5xx with exponential back-off, and stays pending
 * for the next sweep (or `atlas alerts deliver`) when a run's tries are spent; other answers fail it for good.
 * Redirects are not followed. The body is built when it is sent, from the alerts still stored: an erased person's
 * alerts are never sent after the erasure.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AtlasError } from '../core/errors.ts';
import type { Queryable, Store } from '../store/store.ts';
import { describeAlert, type AlertRow } from './alerts.ts';

export interface WebhookConfig {
  owner: string;
  url: string;
  created_at: string;
}

export interface DeliveryOptions {
  /** Tries per delivery in this run (default 5). */
  attempts?: number;
  /** First back-off in ms (doubles each try; default 500). */
  baseDelayMs?: number;
  /** Longest wait between tries, also the cap on a Retry-After (default 30 s). */
  maxDelayMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** After this many tries over all runs a pending delivery is given up (default 20). */
  maxTotalAttempts?: number;
}

export interface DeliveryReport {
  delivery_id: string;
  owner: string;
  alerts: number;
  status: 'delivered' | 'pending' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

function checkedUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AtlasError('BAD_ARGUMENT', `bad webhook URL "${raw}": give an absolute http:// or https:// URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AtlasError('BAD_ARGUMENT', `bad webhook URL "${raw}": only http:// and https:// are sent to`);
  if (u.username || u.password) throw new AtlasError('BAD_ARGUMENT', 'a webhook URL must not carry a user name or password: the signature authenticates the atlas');
  return u.toString();
}

/** Set (or replace) the owner's webhook; returns the signing secret (given, or a new random one) once. */
export async function setWebhook(store: Store, owner: string, rawUrl: string, secret?: string): Promise<WebhookConfig & { secret: string }> {
  const url = checkedUrl(rawUrl);
  const s = secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  if (s.length < 16) throw new AtlasError('BAD_ARGUMENT', 'a webhook secret has at least 16 characters');
  const created_at = new Date().toISOString();
  await store.transaction(async (tx) => {
    await tx.exec(`DELETE FROM webhooks WHERE owner = $1`, [owner]);
    await tx.exec(`INSERT INTO webhooks (owner, url, secret, created_at) VALUES ($1, $2, $3, $4)`, [owner, url, s, created_at]);
  });
  return { owner, url, created_at, secret: s };
}

export async function getWebhook(db: Queryable, owner: string): Promise<WebhookConfig | null> {
  const [w] = await db.query<WebhookConfig>(`SELECT owner, url, created_at FROM webhooks WHERE owner = $1`, [owner]);
  return w ?? null;
}

export async function removeWebhook(store: Store, owner: string): Promise<{ removed: boolean; pending_dropped: number }> {
  return store.transaction(async (tx) => {
    const had = (await tx.query(`SELECT 1 AS x FROM webhooks WHERE owner = $1`, [owner])).length > 0;
    const [p] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE owner = $1 AND status = 'pending'`, [owner]);
    await tx.exec(`DELETE FROM webhooks WHERE owner = $1`, [owner]);
    await tx.exec(`DELETE FROM webhook_deliveries WHERE owner = $1 AND status = 'pending'`, [owner]);
    return { removed: had, pending_dropped: Number(p?.n ?? 0) };
  });
}

/** Queue one delivery per owner with a webhook for these new alerts. */
export async function queueDeliveries(store: Store, newAlerts: Record<string, string[]>): Promise<number> {
  let queued = 0;
  await store.transaction(async (tx) => {
    for (const [owner, ids] of Object.entries(newAlerts)) {
      if (!ids.length || !(await getWebhook(tx, owner))) continue;
      const now = new Date().toISOString();
      await tx.exec(
        `INSERT INTO webhook_deliveries (delivery_id, owner, alert_ids, status, attempts, created_at, updated_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4)`,
        [`wd_${randomBytes(8).toString('hex')}`, owner, JSON.stringify(ids), now],
      );
      queued += 1;
    }
  });
  return queued;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): the signature matches and the timestamp is within `toleranceS` of now. */
export function verifySignature(secret: string, timestamp: string, body: string, header: string, toleranceS = 300, nowS = Date.now() / 1000): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > toleranceS) return false;
  const want = Buffer.from(signature(secret, timestamp, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

async function deliveryBody(db: Queryable, delivery: { delivery_id: string; owner: string; alert_ids: string }): Promise<{ body: string; count: number }> {
  const ids = JSON.parse(delivery.alert_ids) as string[];
  const rows = ids.length
    ? await db.query<Omit<AlertRow, 'detail'> & { detail: string }>(
        `SELECT a.alert_id, a.seq, a.watch_id, w.label AS watch, a.person_id, p.display_name, a.kind, a.detail, a.created_at, a.read_at
         FROM alerts a JOIN watches w ON w.watch_id = a.watch_id LEFT JOIN people p ON p.person_id = a.person_id
         WHERE a.owner = $1 AND a.alert_id IN (${ids.map((i) => `'${i.replace(/'/g, "''")}'`).join(', ')}) ORDER BY a.seq`,
        [delivery.owner],
      )
    : [];
  const alerts = rows.map((r) => {
    const a = { ...r, seq: Number(r.seq), detail: JSON.parse(r.detail) as Record<string, unknown> };
    return { alert_id: a.alert_id, seq: a.seq, kind: a.kind, watch_id: a.watch_id, watch: a.watch, person_id: a.person_id, display_name: a.display_name, detail: a.detail, text: describeAlert(a), created_at: a.created_at };
  });
  return { body: JSON.stringify({ delivery: delivery.delivery_id, owner: delivery.owner, alerts }), count: alerts.length };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** Send every pending delivery (optionally only one owner's); each is retried within the run as DeliveryOptions say. */
export async function deliverPending(store: Store, options: DeliveryOptions & { owner?: string } = {}): Promise<DeliveryReport[]> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxTotal = options.maxTotalAttempts ?? 20;
  const params = options.owner !== undefined ? [options.owner] : [];
  const pending = await store.query<{ delivery_id: string; owner: string; alert_ids: string; attempts: number; url: string; secret: string }>(
    `SELECT d.delivery_id, d.owner, d.alert_ids, d.attempts, h.url, h.secret FROM webhook_deliveries d JOIN webhooks h ON h.owner = d.owner
     WHERE d.status = 'pending' ${options.owner !== undefined ? 'AND d.owner = $1' : ''} ORDER BY d.created_at, d.delivery_id`,
    params,
  );
  const reports: DeliveryReport[] = [];
  for (const d of pending) {
    const { body, count } = await deliveryBody(store, d);
    let tries = Number(d.attempts);
    let status: DeliveryReport['status'] = 'pending';
    let lastStatus: number | null = null;
    let lastError: string | null = null;
    if (count === 0) status = 'delivered'; // every alert of it was erased or its watch removed: nothing left to say
    for (let i = 0; status === 'pending' && i < attempts; i++) {
      tries += 1;
      let wait = Math.min(maxDelay, base * 2 ** i);
      try {
        const ts = String(Math.floor(Date.now() / 1000));
        const res = await fetch(d.url, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          headers: { 'content-type': 'application/json', 'user-agent': 'talent-atlas-webhook', 'x-atlas-delivery': d.delivery_id, 'x-atlas-timestamp': ts, 'x-atlas-signature': signature(d.secret, ts, body) },
        });
        await res.arrayBuffer().catch(() => undefined);
        lastStatus = res.status;
        if (res.status >= 200 && res.status < 300) {
          status = 'delivered';
          lastError = null;
          break;
        }
        lastError = `HTTP ${res.status}`;
        if (!retryable(res.status)) {
          status = 'failed';
          lastError = `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}: not retried`;
          break;
        }
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after >= 0 && res.headers.get('retry-after') !== null) wait = Math.min(maxDelay, after * 1000);
      } catch (e) {
        lastStatus = null;
        lastError = e instanceof Error ? `${e.name === 'TimeoutError' ? 'timed out' : e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}` : String(e);
      }
      if (i + 1 < attempts) await sleep(wait);
    }
    if (status === 'pending' && tries >= maxTotal) status = 'failed';
    await store.exec(`UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, updated_at = $6 WHERE delivery_id = $1`, [d.delivery_id, status, tries, lastStatus, lastError, new Date().toISOString()]);
    reports.push({ delivery_id: d.delivery_id, owner: d.owner, alerts: count, status, attempts: tries, last_status: lastStatus, last_error: lastError });
  }
  return reports;
}

export async function listDeliveries(db: Queryable, owner: string, limit = 20): Promise<Array<Omit<DeliveryReport, 'alerts'> & { alerts: number; created_at: string; updated_at: string }>> {
  const rows = await db.query<{ delivery_id: string; owner: string; alert_ids: string; status: DeliveryReport['status']; attempts: number; last_status: number | null; last_error: string | null; created_at: string; updated_at: string }>(
    `SELECT * FROM webhook_deliveries WHERE owner = $1 ORDER BY created_at DESC, delivery_id LIMIT ${Math.max(1, Math.min(limit, 1000))}`,
    [owner],
  );
  return rows.map(({ alert_ids, ...r }) => ({ ...r, attempts: Number(r.attempts), alerts: (JSON.parse(alert_ids) as string[]).length }));
}
