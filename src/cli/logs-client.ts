/**
 * @module cli/logs-client
 * The client side of GetFunctionLogs (openfc's own operation): one signed GET per page, abortable
 * (so `openfc logs --follow` ends at once on Ctrl-C instead of waiting out a long poll). A refusal
 * rejects with the FC error (`code`, `data.Message`, like the SDK's errors).
 */
import http from 'node:http';
import https from 'node:https';
import { EMPTY_BODY_SHA256, signHeaders } from '../iam/index.js';
import type { ClientConfig } from './client-config.js';

/** One record as GetFunctionLogs answers it. */
export interface LogRecordView {
  kind: string;
  requestId?: string;
  instanceId: string;
  functionName: string;
  qualifier: string;
  versionId?: string;
  revision: number;
  startTime: string;
  endTime: string;
  message: string;
  functionError?: string;
  errorType?: string;
  errorMessage?: string;
  errorStack?: string;
}

export interface LogPageView {
  records: LogRecordView[];
  nextToken: string;
  hasMore: boolean;
  requestId: string;
}

export interface LogsRequest {
  functionName: string;
  requestId?: string;
  instanceId?: string;
  since?: string;
  until?: string;
  limit?: number;
  nextToken?: string;
  follow?: boolean;
  waitMs?: number;
}

/** An FC error answered by GetFunctionLogs. */
export class LogsRequestError extends Error {
  override readonly name = 'LogsRequestError';
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly data: { Code: string; Message: string }) {
    super(message);
  }
}

export function logsPath(r: LogsRequest): string {
  const q = new URLSearchParams();
  if (r.requestId !== undefined) q.set('requestId', r.requestId);
  if (r.instanceId !== undefined) q.set('instanceId', r.instanceId);
  if (r.since !== undefined) q.set('since', r.since);
  if (r.until !== undefined) q.set('until', r.until);
  if (r.limit !== undefined) q.set('limit', String(r.limit));
  if (r.nextToken !== undefined) q.set('nextToken', r.nextToken);
  if (r.follow) q.set('follow', 'true');
  if (r.follow && r.waitMs !== undefined) q.set('waitMs', String(r.waitMs));
  const query = q.toString();
  return `/2023-03-30/functions/${encodeURIComponent(r.functionName)}/logs${query ? `?${query}` : ''}`;
}

/** Reads one page of a function's logs. */
export function getFunctionLogs(config: Pick<ClientConfig, 'endpoint' | 'protocol' | 'accessKeyId' | 'accessKeySecret' | 'ca' | 'isInsecure'>, r: LogsRequest, signal?: AbortSignal): Promise<LogPageView> {
  const rawUrl = logsPath(r);
  const headers = signHeaders({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, host: config.endpoint }, 'GET', rawUrl, 'GetFunctionLogs', Buffer.alloc(0), 'application/json', {}, { bodySha256: EMPTY_BODY_SHA256 });
  const isTls = config.protocol === 'https';
  const request = isTls ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(`${isTls ? 'https' : 'http'}://${config.endpoint}${rawUrl}`, {
      method: 'GET', headers, ...(signal && { signal }), ...(isTls && config.ca !== undefined && { ca: config.ca }), ...(isTls && config.isInsecure && { rejectUnauthorized: false }),
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          /* not JSON */
        }
        if (res.statusCode === 200) return resolve(body as unknown as LogPageView);
        const code = typeof body.Code === 'string' ? body.Code : `HTTP${res.statusCode}`;
        const message = typeof body.Message === 'string' ? body.Message : `openfc answered ${res.statusCode}`;
        reject(new LogsRequestError(res.statusCode ?? 0, code, message, { Code: code, Message: message }));
      });
    });
    req.end();
  });
}
