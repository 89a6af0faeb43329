import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobEvent, JobRunner } from '../app/background.js';
import type { AppContext } from '../app/context.js';
import { jobDocument } from '../app/jobs.js';
import { FINAL_STATUSES as ENDED, type JobRecord } from '../domain/jobs.js';

/** How often a stream looks at the store, for a job another process runs. */
const POLL_MS = 1000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * A job's Server-Sent Events: `progress` events while it runs (from this process's runner, or
 * from the store for a job another process runs), then one `status` event with the job's
 * document, and the stream ends. A job that has ended gets its `status` event at once.
 */
export function streamJobEvents(ctx: AppContext, background: JobRunner, job: JobRecord, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const send = (event: string, data: unknown) => out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  if (ENDED.has(job.status)) {
    send('status', jobDocument(job));
    out.end();
    return reply;
  }
  let closed = false;
  let lastDone = -1;
  const progress = (status: string, rowsDone: number, rowsTotal: number | null) => {
    if (rowsDone === lastDone) return;
    lastDone = rowsDone;
    send('progress', { status, rowsDone, rowsTotal });
  };
  const finish = (ended: JobRecord) => {
    if (closed) return;
    send('status', jobDocument(ended));
    close();
    out.end();
  };
  const unsubscribe = background.subscribe(job.id, (event: JobEvent) => {
    if (event.kind === 'progress') progress(event.status, event.rowsDone, event.rowsTotal);
    else if (event.job) finish(event.job);
  });
  const poll = setInterval(() => {
    ctx.store
      .getJob(job.id)
      .then((now) => {
        if (!now || closed) return;
        // A job the workers run (`queued`) is taken up again by another worker: followed on.
        if (ENDED.has(now.status) || (now.status === 'INTERRUPTED' && !background.holds(now.id) && !now.queued)) finish(now);
        else progress(now.status, now.counts.total, now.rowsKnown);
      })
      .catch((error: unknown) => request.log.warn({ err: error }, 'events: cannot read the job'));
  }, POLL_MS);
  const keepalive = setInterval(() => out.write(': keep-alive\n\n'), KEEPALIVE_MS);
  function close() {
    closed = true;
    clearInterval(poll);
    clearInterval(keepalive);
    unsubscribe();
  }
  request.raw.on('close', close);
  progress(job.status, job.counts.total, job.rowsKnown);
  return reply;
}
