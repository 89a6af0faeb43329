import type { Api } from './client';

/** One Server-Sent Event: its name (`message` when none) and its data lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * A pure, incremental parser of `text/event-stream`: feed it chunks as they arrive, in any
 * cutting, and it returns the events completed so far.
 */
export function createSseParser(): (chunk: string) => SseEvent[] {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  return (chunk) => {
    buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) break;
      // a lone \r at the end of a chunk may be the first half of \r\n: wait for more
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length) out.push({ event: event || 'message', data: data.join('\n') });
        event = '';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
    }
    return out;
  };
}

/**
 * Follows a job's events with fetch streaming, since EventSource cannot send the Authorization
 * header. Returns when the stream ends; rejects on a network or HTTP error.
 */
export async function followEvents(api: Api, path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await api.fetch(path, { headers: { accept: 'text/event-stream' }, signal });
  if (!res.body) throw new Error('This browser cannot read a streamed answer');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const parse = createSseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of parse(value)) onEvent(e);
  }
}
