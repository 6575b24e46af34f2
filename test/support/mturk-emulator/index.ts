import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { moneyToCents } from '../../../server/crowd/money.ts';
import { createOperations } from './operations.ts';
import { handleApiCall, readBody, sendJson } from './protocol.ts';
import type { EmulatorState } from './state.ts';
import { createState } from './state.ts';
import { acceptHit, externalSubmit, previewHit, sendHtml, WorkerRefusal } from './worker-routes.ts';

/** Options of {@link startMturkEmulator}. */
export interface MturkEmulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Starting AvailableBalance; the sandbox default is "10000.00". */
  balance?: string;
  /** Base clock in epoch ms; advanceTime adds on top of it. */
  clock?: () => number;
}

/** A running emulator. */
export interface MturkEmulator {
  url: string;
  port: number;
  state: EmulatorState;
  /** Moves the emulator clock forward (expiry, assignment deadlines, auto-approval). */
  advanceTime(seconds: number): void;
  close(): Promise<void>;
}

/**
 * Starts a local MTurk requester endpoint the real @aws-sdk/client-mturk talks to
 * (`endpoint: url`), plus the worker side: `POST /_worker/accept {hitId, workerId}`,
 * `GET /_worker/preview?hitId=`, and `POST /mturk/externalSubmit` (form-urlencoded).
 */
export async function startMturkEmulator(options: MturkEmulatorOptions = {}): Promise<MturkEmulator> {
  const state = createState(moneyToCents(options.balance ?? '10000.00'));
  const baseClock = options.clock ?? Date.now;
  let offsetMs = 0;
  const now = () => baseClock() + offsetMs;
  const { ops, tick } = createOperations({ state, now });
  let origin = '';
  const worker = { state, now, tick, origin: () => origin };

  const server = createServer((req, res) => {
    void readBody(req)
      .then((body) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        try {
          if (path === '/mturk/externalSubmit') {
            const form = new URLSearchParams(req.method === 'GET' ? new URL(req.url ?? '/', 'http://x').search : body);
            externalSubmit(worker, form);
            return sendHtml(res, 200, 'Your work was submitted. Thank you.');
          }
          if (path === '/_worker/accept' && req.method === 'POST') {
            const { hitId, workerId } = JSON.parse(body) as { hitId: string; workerId: string };
            return sendJson(res, 200, acceptHit(worker, String(hitId), String(workerId)));
          }
          if (path === '/_worker/preview')
            return sendJson(res, 200, previewHit(worker, new URL(req.url ?? '/', 'http://x').searchParams.get('hitId') ?? ''));
        } catch (error) {
          if (!(error instanceof WorkerRefusal || error instanceof SyntaxError)) throw error;
          return path === '/mturk/externalSubmit' ? sendHtml(res, 400, error.message) : sendJson(res, 400, { error: error.message });
        }
        if (req.method !== 'POST') return sendJson(res, 405, { message: 'Requester API calls are POST' });
        handleApiCall(req, res, body, ops, now);
      })
      .catch((error: unknown) => sendJson(res, 500, { __type: 'ServiceFault', Message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: origin,
    port,
    state,
    advanceTime: (seconds) => {
      offsetMs += seconds * 1000;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
